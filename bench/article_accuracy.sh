#!/bin/sh
# Prints the article-extraction accuracy table: per page and overall
# precision, recall and F1 over word 4-grams of the extracted body_text
# against tests/fixtures/articles/NAME.expected.txt, beside the same figures
# for the whole page's text (the baseline). See bench/README.md.
#
# usage: bench/article_accuracy.sh [BUILD_DIR]   (default: build)
set -eu
build=${1:-build}
cmake --build "$build" --target feeds_article_test -j2 >/dev/null
"$build/tests/feeds_article_test" --gtest_filter='ArticleAccuracy.*' --gtest_brief=1 |
    grep -v '^\[' | grep -v '^Note:' || true
