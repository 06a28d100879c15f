// result<T, E>: a value or an error, with the member names of C++23's
// std::expected so that the switch is a `using` once the compiler has it
// (g++ 12 ships <expected> only under -std=c++23).
#pragma once

#include <utility>
#include <variant>

namespace feedwire::feeds {

template <typename E>
struct unexpected {
    E error;
};

template <typename E>
unexpected(E) -> unexpected<E>;

template <typename T, typename E>
class result {
public:
    result(T value)
        : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    result(unexpected<E> err) : v_(std::in_place_index<1>, std::move(err.error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    E& error() & { return std::get<1>(v_); }
    const E& error() const& { return std::get<1>(v_); }

private:
    std::variant<T, E> v_;
};

}  // namespace feedwire::feeds
