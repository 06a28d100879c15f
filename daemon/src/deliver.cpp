// Delivery of items to Redis streams through the `feedwire` FUNCTION library.
//
// The Lua function does the dedup check, the XADDs and the recording of the item
// in one atomic step, so sending an item again after a lost reply delivers
// nothing twice (NOTES.md 16): that is what lets the deliverer retry every
// command whose outcome is unknown. It is a FUNCTION, not EVALSHA, because
// the script cache is empty after a restart (NOTES.md 15); the client loads
// it again at every connect through its prelude.
//
// The deliverer hands every item of a batch to the client at once; the
// client's in-flight window pipelines them (NOTES.md 14). Handlers hold a
// weak_ptr to the deliverer's state, so a destroyed deliverer runs nothing.
#include "feedwire/daemon/deliver.hpp"

#include "feedwire/daemon/membership.hpp"
#include "feedwire/feeds/dates.hpp"
#include "feedwire/feeds/fingerprint.hpp"
#include "feedwire/feeds/item.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <utility>

namespace feedwire::daemon {
namespace {

namespace asio = boost::asio;

// KEYS: the feed's entry records, then the article hashes (one per exact
// epoch, newest first), the near-duplicate index string, the
// near-duplicate records (one per near epoch, newest first), then the
// streams.
// ARGV: maxlen, feed, exact epochs, near epochs, EXPIREAT of the newest
// exact keys, EXPIREAT of the newest near keys, one action per stream
// ('m' mark, 'd' drop, 'o' off), retention in seconds (sighting records),
// then 7 per item: uri, key blob (entry, content and url hashes, 8 bytes
// each), near blob or empty, url, headline, versioncreated, item JSON (with
// "revision":1). The near blob is a MessagePack array of three: the item's
// n LSH bands in the near index as decimal text (the n cell offsets "#n",
// then the n cells' values for this item, tag * 2^32 + ref), the bands'
// 16-bit tags (integers), and the raw MinHash signature (258 bytes); n is
// 32, or 16 (every other band) with dedup.near_bands = 16. cmsgpack
// unpacks it in C: the function scans no text, and passes the strings to
// BITFIELD as they come.
// Returns 4 per item: status (0 unchanged, 1 new, 2 update, 3 duplicate of
// another feed's item, 4 near-duplicate delivered marked, 5 near-duplicate
// dropped), revision, id of the first stream entry (or ""), the related
// item's uri (3, 4, 5; or "").
// The function knows 32 and 16 bands and 128 bins (a 258-byte signature).
static_assert(feeds::minhash_bands == 32 && feeds::minhash_bins == 128);
constexpr std::string_view library_source = R"lua(#!lua name=feedwire
-- feedwire_deliver: for each item of one feed's batch, the dedup checks, the
-- XADD to every stream and the recording of the item, in one atomic step
-- (daemon/src/deliver.cpp documents the contract and the key layout).
-- Every key shares the {dedup} hash tag: one slot, so the cross-feed checks
-- and the XADDs can run in one function on a Redis Cluster too.
local CHANCE = 1 / 65536

-- Of the indices `want` (values[i] answers want[i]): the values found go
-- into found (and the epoch into where, when given); the indices still
-- missing are returned, for the next, older epoch.
local function settle(values, want, found, where, epoch)
    local rest = {}
    for i = 1, #want do
        if values[i] then
            found[want[i]] = values[i]
            if where then where[want[i]] = epoch end
        else
            rest[#rest + 1] = want[i]
        end
    end
    return rest
end

-- HMGET of `fields` over `keys` (newest first): the first value found for
-- each field. Fields found in a newer key are not asked of the older ones.
local function lookup(keys, first, count, fields)
    local found, want = {}, {}
    for i = 1, #fields do want[i] = i end
    for e = 0, count - 1 do
        if #want == 0 then break end
        local names = fields
        if e > 0 then
            names = {}
            for i = 1, #want do names[i] = fields[want[i]] end
        end
        local values = redis.call('HMGET', keys[first + e], unpack(names))
        want = settle(values, want, found, nil, e + 1)
    end
    return found
end

-- A feed's entries of one epoch are one string of 20-byte records: the
-- entry hash (8 bytes), the content hash (8), the kind ('d' delivered, 's'
-- a sighting of another feed's item, 'n' a dropped near-duplicate) and the
-- revision (3 bytes, big-endian). One GET reads them and string.find
-- (memchr, then memcmp) finds a record, where a hash of hundreds of fields
-- kept as a listpack is scanned field by field for every lookup and every
-- write. The string holds at most RECORDS_MAX records, so reading and
-- writing it stays cheap for a feed of thousands of entries (or a hostile
-- one); entries beyond go to the hash <key>:more (entry hash -> value),
-- which is read only once the string is full.
local RECORD, RECORDS_MAX = 20, 512
local FULL = RECORD * RECORDS_MAX
local function find_record(s, eh)
    local init = 1
    while true do
        local p = string.find(s, eh, init, true)
        if not p then return nil end
        if (p - 1) % RECORD == 0 then return p end
        init = p + 1
    end
end
-- An entry's value in Lua: the 12 bytes after the entry hash in its record
-- (content hash, kind, revision), so a record is the entry hash and its
-- value, and reading or writing one formats no number. The hash
-- <key>:more and the hashes of earlier releases keep the revision in
-- decimal: value_of() and decimal_of() convert.
local function rev3(r)
    if r == 1 then return '\0\0\1' end
    if r > 16777215 then r = 16777215 end
    return string.char(math.floor(r / 65536) % 256, math.floor(r / 256) % 256, r % 256)
end
local function revision_of(value)
    local r1, r2, r3 = string.byte(value, 10, 12)
    return (r1 * 256 + r2) * 256 + r3
end
local function value_of(decimal)
    return string.sub(decimal, 1, 9) .. rev3(tonumber(string.sub(decimal, 10)) or 0)
end
local function decimal_of(value)
    return string.sub(value, 1, 9) .. revision_of(value)
end

-- `command` on `key` with `args` (field-value pairs, or BITFIELD ops of 4
-- arguments, flattened), in calls small enough for unpack().
local CHUNK = 6000
local function call_chunked(command, key, args)
    for first = 1, #args, CHUNK do
        redis.call(command, key, unpack(args, first, math.min(first + CHUNK - 1, #args)))
    end
end

-- The records of `key` as a string. An epoch written by an earlier release
-- is a hash (entry hash -> value): it is converted in place, keeping its
-- expiry, so an upgrade delivers nothing twice; what does not fit the
-- string stays in <key>:more.
local function entry_records(key)
    local s = redis.pcall('GET', key)
    if type(s) ~= 'table' or not s.err then return s end
    if redis.call('TYPE', key).ok ~= 'hash' then return redis.error_reply(s.err) end
    local all = redis.call('HGETALL', key)
    local parts, rest = {}, {}
    for i = 1, #all, 2 do
        if #all[i] == 8 and #all[i + 1] >= 10 then
            if #parts < RECORDS_MAX then
                parts[#parts + 1] = all[i] .. value_of(all[i + 1])
            else
                rest[#rest + 1] = all[i]
                rest[#rest + 1] = all[i + 1]
            end
        end
    end
    local expires = redis.call('PEXPIRETIME', key)
    redis.call('DEL', key)
    s = table.concat(parts)
    if #s > 0 then redis.call('SET', key, s) end
    if #rest > 0 then call_chunked('HSET', key .. ':more', rest) end
    if expires > 0 then
        if #s > 0 then redis.call('PEXPIREAT', key, expires) end
        if #rest > 0 then redis.call('PEXPIREAT', key .. ':more', expires) end
    end
    return s
end

-- The entries of `ehs` over the epochs' keys (newest first): the value
-- found for each, the epoch it came from (1 the newest), the newest
-- epoch's string and where each entry hash sits in it.
local function lookup_entries(keys, first, count, ehs)
    local found, where, at = {}, {}, {}
    local newest = false
    local want = {}
    for k = 1, #ehs do want[k] = k end
    for e = 0, count - 1 do
        if #want == 0 then break end
        local key = keys[first + e]
        local s = entry_records(key)
        if type(s) == 'table' then return s end
        if e == 0 then newest = s end
        local values, missing = {}, {}
        for i = 1, #want do
            local p = s and find_record(s, ehs[want[i]])
            if p then
                values[i] = string.sub(s, p + 8, p + 19)
                if e == 0 then at[ehs[want[i]]] = p end
            else
                missing[#missing + 1] = i
            end
        end
        if s and #s >= FULL and #missing > 0 then
            local fields = {}
            for j = 1, #missing do fields[j] = ehs[want[missing[j]]] end
            local more = redis.call('HMGET', key .. ':more', unpack(fields))
            for j = 1, #missing do
                if more[j] then values[missing[j]] = value_of(more[j]) end
            end
        end
        want = settle(values, want, found, where, e + 1)
    end
    return found, where, newest, at
end

-- Writes the entries (entry hash, value, flattened; a later value of the
-- same hash wins) into the newest epoch: into its string `s` (false: none
-- yet) in place where `at` says the hash already is, appended while the
-- string has room, and into <key>:more otherwise (an entry found there was
-- found in a full string, so it goes back there). The string is SET whole:
-- APPEND would leave Redis's string up to twice the size of its records
-- (room it keeps for more appends), 29 bytes an entry where these are 21.
-- The epoch's records were read whole anyway.
local function write_entries(key, s, at, writes, expire_at)
    local last, order = {}, {}
    for i = 1, #writes, 2 do
        local eh = writes[i]
        if not last[eh] then order[#order + 1] = eh end
        last[eh] = writes[i + 1]
    end
    s = s or ''
    local room = RECORDS_MAX - #s / RECORD
    local updates, tail, spill = {}, {}, {}
    for i = 1, #order do
        local eh = order[i]
        if at[eh] then
            updates[#updates + 1] = {at[eh], eh .. last[eh]}
        elseif #tail < room then
            tail[#tail + 1] = eh .. last[eh]
        else
            spill[#spill + 1] = eh
            spill[#spill + 1] = decimal_of(last[eh])
        end
    end
    if #updates > 0 or #tail > 0 then
        local pieces, from = {}, 1
        table.sort(updates, function(a, b) return a[1] < b[1] end)
        for i = 1, #updates do
            pieces[#pieces + 1] = string.sub(s, from, updates[i][1] - 1)
            pieces[#pieces + 1] = updates[i][2]
            from = updates[i][1] + RECORD
        end
        pieces[#pieces + 1] = string.sub(s, from)
        for i = 1, #tail do pieces[#pieces + 1] = tail[i] end
        redis.call('SET', key, table.concat(pieces), 'EXAT', expire_at)
    end
    if #spill > 0 then
        call_chunked('HSET', key .. ':more', spill)
        redis.call('EXPIREAT', key .. ':more', expire_at)
    end
end

-- The near index is a string of 48-bit cells, one per band hash modulo
-- the cell count: the newest item whose band fell there (0: none). A cell
-- holds 16 more bits of the band's hash (its tag: bands that merely share
-- a cell are no candidates) and the item's 32-bit ref, the first four
-- bytes of its entry hash (0 read as 1). 48 bits stay exact in Lua's
-- numbers. The client sends each band's cell offset ("#n") and value as
-- text (the near blob). One index serves every window: a cell is
-- overwritten by newer items, and a ref whose record (kept per window) is
-- gone is no candidate.
local TWO32 = 4294967296
local function ref_of(eh)
    local b1, b2, b3, b4 = string.byte(eh, 1, 4)
    local r = ((b1 * 256 + b2) * 256 + b3) * 256 + b4
    if r == 0 then r = 1 end
    return r
end
local function ref_field(r)
    return string.char(math.floor(r / 16777216) % 256, math.floor(r / 65536) % 256,
        math.floor(r / 256) % 256, r % 256)
end

-- The rule of fingerprint.hpp over two raw signatures (shingle count, then
-- 128 bins, 2 bytes each): Jaccard >= 0.6 or containment >= 0.8, and
-- Jaccard >= 0.8 alone when the smaller text has fewer than 40 shingles.
-- Compared 16 bytes at a time: no table per signature. Most candidates are
-- far from the line, so the comparison stops once too few bins are left
-- for the least Jaccard that could still pass (one bin of slack).
local function similarity(a, b)
    local byte = string.byte
    local x1, x2 = byte(a, 1, 2)
    local y1, y2 = byte(b, 1, 2)
    local na, nb = x1 + 256 * x2, y1 + 256 * y2
    local smaller = math.min(na, nb)
    local least = 0.8
    if smaller >= 40 then
        least = math.min(0.6, 0.8 * smaller / (na + nb - 0.8 * smaller))
    end
    local needed = math.floor((least * (1 - CHANCE) + CHANCE) * 128) - 1
    local same = 0
    for i = 3, 257, 16 do
        if same + (259 - i) / 2 < needed then return 0, false end
        local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16 = byte(a, i, i + 15)
        local b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16 = byte(b, i, i + 15)
        if a1 == b1 and a2 == b2 then same = same + 1 end
        if a3 == b3 and a4 == b4 then same = same + 1 end
        if a5 == b5 and a6 == b6 then same = same + 1 end
        if a7 == b7 and a8 == b8 then same = same + 1 end
        if a9 == b9 and a10 == b10 then same = same + 1 end
        if a11 == b11 and a12 == b12 then same = same + 1 end
        if a13 == b13 and a14 == b14 then same = same + 1 end
        if a15 == b15 and a16 == b16 then same = same + 1 end
    end
    local j = (same / 128 - CHANCE) / (1 - CHANCE)
    if j < 0 then j = 0 end
    if j > 1 then j = 1 end
    if smaller < 40 then return j, j >= 0.8 end
    local c = 0
    if smaller > 0 then c = j * (na + nb) / ((1 + j) * smaller) end
    return j, j >= 0.6 or c >= 0.8
end

local function deliver(keys, args)
    local ne, nn = tonumber(args[3]), tonumber(args[4])
    local nstreams = #keys - 2 * ne - 1 - nn
    if #args < 8 or (#args - 8) % 7 ~= 0 or not ne or not nn or ne < 1 or nn < 1
        or nstreams < 1 or #args[7] ~= nstreams then
        return redis.error_reply('ERR feedwire_deliver: wrong number of arguments')
    end
    local maxlen, feed = args[1], args[2]
    local exact_until, near_until, actions, retention = args[5], args[6], args[7], args[8]
    local E, A, B, N = 1, 1 + ne, 1 + 2 * ne, 2 + 2 * ne
    local S = 2 + 2 * ne + nn
    local count = (#args - 8) / 7
    local near_on = string.find(actions, '[md]') ~= nil

    -- 1. The entries: this feed's record of each item.
    local ehs, fps = {}, {}
    for k = 1, count do
        local blob = args[9 + 7 * (k - 1) + 1]
        ehs[k], fps[k] = string.sub(blob, 1, 8), string.sub(blob, 9, 16)
    end
    local entry, entry_at, newest_entries, entry_pos = lookup_entries(keys, E, ne, ehs)
    if entry and entry.err then return entry end

    -- 2. Which items may be new: no record, or a record of a sighting whose
    -- text changed. Their canonical url and content are looked up across
    -- feeds, and their bands for near-duplicates.
    local candidates, afields, banded = {}, {}, {}
    -- The items' fields in the articles hashes, made once: 'u' and the
    -- url hash (false: no url), 'c' and the content hash.
    local ukeys, ckeys = {}, {}
    local function article_keys(k)
        if ckeys[k] then return ukeys[k], ckeys[k] end
        local uh = string.sub(args[9 + 7 * (k - 1) + 1], 17, 24)
        ukeys[k] = uh ~= '\0\0\0\0\0\0\0\0' and 'u' .. uh
        ckeys[k] = 'c' .. fps[k]
        return ukeys[k], ckeys[k]
    end
    local item_bands, item_tags, item_sig = {}, {}, {}
    for k = 1, count do
        local at = 9 + 7 * (k - 1)
        local blob, near_blob = args[at + 1], args[at + 2]
        local before = entry[k]
        local fresh = not before
        -- A sighting ('s') or a dropped near-duplicate ('n') whose text
        -- changed is judged again as a new item.
        if before and string.sub(before, 9, 9) ~= 'd' and string.sub(before, 1, 8) ~= fps[k] then
            fresh = true
        end
        if fresh then
            candidates[k] = true
            local ukey, ckey = article_keys(k)
            if ukey then afields[#afields + 1] = ukey end
            afields[#afields + 1] = ckey
            if near_on and #near_blob > 0 then
                local near = cmsgpack.unpack(near_blob)
                local bands, tags, signature = near[1], near[2], near[3]
                -- 32 bands, or 16 (dedup.near_bands): #tags of them.
                if type(bands) == 'table' and type(tags) == 'table'
                    and (#tags == 32 or #tags == 16) and #bands == 2 * #tags
                    and type(signature) == 'string' and #signature == 258 then
                    banded[#banded + 1] = k
                    item_bands[k] = bands
                    item_tags[k] = tags
                    item_sig[k] = signature
                end
            end
        end
    end
    local article = lookup(keys, A, ne, afields)
    local articles = {}
    -- A content record of an item with a url names the url record
    -- ("\0" .. url field) rather than repeating its feed and uri.
    local pointers = {}
    for i = 1, #afields do
        local v = article[i]
        if v and string.byte(v, 1) == 0 then pointers[#pointers + 1] = string.sub(v, 2) end
        articles[afields[i]] = v
    end
    if #pointers > 0 then
        local target = lookup(keys, A, ne, pointers)
        local resolved = {}
        for i = 1, #pointers do resolved['\0' .. pointers[i]] = target[i] end
        for i = 1, #afields do
            local v = articles[afields[i]]
            if v and string.byte(v, 1) == 0 then articles[afields[i]] = resolved[v] end
        end
    end
    -- Each candidate's bands go into the index: BITFIELD SET answers what
    -- each cell held before, which is the lookup, in the same pass over the
    -- cells. When an earlier item of this batch wrote the cell first, the
    -- value from before the batch counts (the old value the first writer
    -- got): an item of the same feed is no near-duplicate anyway. A cell
    -- can only have been written by this batch if the value found names the
    -- ref of one of its items, so only then are the earlier items searched.
    -- Cells of items that end up not indexed are put back at the end. Each
    -- candidate's refs are those in its bands' cells with its band's tag.
    local item_old, item_refs, refs, ref_list = {}, {}, {}, {}
    local function before_batch(upto, cell, v)
        for j = 1, upto - 1 do
            local mine = item_bands[banded[j]]
            for b = 1, #mine / 2 do
                if mine[b] == cell then return item_old[banded[j]][b] end
            end
        end
        return v
    end
    if #banded > 0 then
        local batch_ref = {}
        for i = 1, #banded do batch_ref[ref_of(ehs[banded[i]])] = true end
        for i = 1, #banded do
            local k = banded[i]
            local c, tags, found = item_bands[k], item_tags[k], {}
            -- SET u48 c[b] c[n + b] for the n bands, spelt out (no table).
            local old
            if #tags == 32 then
                old = redis.call('BITFIELD', keys[B], BAND_SET_ARGUMENTS_32)
            else
                old = redis.call('BITFIELD', keys[B], BAND_SET_ARGUMENTS_16)
            end
            item_old[k] = old
            for b = 1, #tags do
                local v = old[b]
                if v ~= 0 and batch_ref[v % TWO32] then v = before_batch(i, c[b], v) end
                local r = v % TWO32
                if v ~= 0 and (v - r) / TWO32 == tags[b] then
                    found[#found + 1] = r
                    if not refs[r] then refs[r] = true; ref_list[#ref_list + 1] = r end
                end
            end
            item_refs[k] = found
        end
        redis.call('EXPIREAT', keys[B], near_until)
    end
    -- Items whose bands went in but that are not indexed (a duplicate
    -- found in another feed, a near-duplicate, one not delivered): each
    -- cell such an item wrote last gets the value of the last indexed item
    -- of the batch that wrote it, or back the value from before the batch.
    local function put_back(indexed)
        local restore = false
        for i = 1, #banded do
            if not indexed[banded[i]] then restore = true; break end
        end
        if not restore then return end
        local final, last, pre = {}, {}, {}
        for i = 1, #banded do
            local k = banded[i]
            local mine, old = item_bands[k], item_old[k]
            local n = #mine / 2
            for b = 1, n do
                local cell = mine[b]
                last[cell] = k
                if pre[cell] == nil then pre[cell] = old[b] end
                if indexed[k] then final[cell] = mine[n + b] end
            end
        end
        local ops, n = {}, 0
        for i = 1, #banded do
            local k = banded[i]
            if not indexed[k] then
                local mine = item_bands[k]
                for b = 1, #mine / 2 do
                    local cell = mine[b]
                    if last[cell] == k then
                        last[cell] = nil
                        ops[n + 1] = 'SET'; ops[n + 2] = 'u48'; ops[n + 3] = cell
                        ops[n + 4] = final[cell] or pre[cell]
                        n = n + 4
                    end
                end
            end
        end
        if n > 0 then call_chunked('BITFIELD', keys[B], ops) end
    end
    -- The records of every ref found: signature, feed, root uri.
    local near_records = {}
    if #ref_list > 0 then
        local fields = {}
        for i = 1, #ref_list do fields[i] = ref_field(ref_list[i]) end
        local found = lookup(keys, N, nn, fields)
        for i = 1, #ref_list do
            local v = found[i]
            if v and #v > 258 then
                local nl = string.find(v, '\n', 259, true)
                if nl then
                    near_records[ref_list[i]] = {sig = string.sub(v, 1, 258),
                        feed = string.sub(v, 259, nl - 1), uri = string.sub(v, nl + 1)}
                end
            end
        end
    end

    -- 3. Each item in order, seeing what the items before it wrote.
    local entry_writes, article_writes, near_writes = {}, {}, {}
    -- The item's url record (feed and uri) and content record, which
    -- names the url record ("\0" .. its field) rather than repeating them;
    -- with `seen`, later items of the batch match it too.
    local function record_article(k, ref, seen)
        local ukey, ckey = article_keys(k)
        local n = #article_writes
        if ukey then
            article_writes[n + 1], article_writes[n + 2] = ukey, ref
            article_writes[n + 3], article_writes[n + 4] = ckey, '\0' .. ukey
            if seen then articles[ukey] = ref end
        else
            article_writes[n + 1], article_writes[n + 2] = ckey, ref
        end
        if seen then articles[ckey] = ref end
    end
    local written_entry, indexed = {}, {}
    local out = {}
    local names = {'url', 'headline', 'versioncreated'}
    for k = 1, count do
        local at = 9 + 7 * (k - 1)
        local uri, blob = args[at], args[at + 1]
        local eh, fp = ehs[k], fps[k]
        local before = written_entry[eh] or entry[k]
        local status, revision, id, related = 1, 1, '', ''
        local event = 'new'
        local deliver_it = true
        local duplicate_of = nil
        if before and not (candidates[k] and not written_entry[eh]) then
            local kind = string.sub(before, 9, 9)
            local old_revision = revision_of(before)
            if string.sub(before, 1, 8) == fp then
                status, revision, deliver_it = 0, old_revision, false
                if not written_entry[eh] and entry_at[k] and entry_at[k] > 1 then
                    -- Still carried by the feed: remembered for another
                    -- retention, and so is what other feeds match it by.
                    entry_writes[#entry_writes + 1] = eh
                    entry_writes[#entry_writes + 1] = before
                    written_entry[eh] = before
                    if kind == 'd' then record_article(k, feed .. '\n' .. uri) end
                end
            elseif kind == 'd' then
                status, revision, event = 2, old_revision + 1, 'update'
            end
        end
        if deliver_it and status == 1 then
            -- Another feed (or this one under another id) delivered it.
            local ukey, ckey = article_keys(k)
            local first = ukey and articles[ukey]
            first = first or articles[ckey]
            local nl = first and string.find(first, '\n', 1, true)
            if nl then
                local first_feed, first_uri = string.sub(first, 1, nl - 1), string.sub(first, nl + 1)
                local record = 'feedwire:{dedup}:sightings:' .. first_uri
                redis.call('HSETNX', record, first_feed, first_uri)
                redis.call('HSETNX', record, feed, uri)
                redis.call('EXPIRE', record, retention)
                status, revision, deliver_it, related = 3, 0, false, first_uri
                local value = fp .. 's\0\0\0'
                entry_writes[#entry_writes + 1] = eh
                entry_writes[#entry_writes + 1] = value
                written_entry[eh] = value
            elseif item_bands[k] then
                local best, best_j = nil, -1
                local seen_ref = {}
                local list = item_refs[k]
                for p = 1, #list do
                    if best_j >= 1 then break end
                    local ref = list[p]
                    local r = near_records[ref]
                    if r and not seen_ref[ref] and r.feed ~= feed then
                        seen_ref[ref] = true
                        local j, near = similarity(item_sig[k], r.sig)
                        if near and j > best_j then best, best_j = r, j end
                    end
                end
                if best then
                    duplicate_of, related, status = best.uri, best.uri, 4
                end
            end
        end
        if deliver_it then
            local item = args[at + 6]
            local patch = nil
            if revision ~= 1 then patch = '"revision":' .. revision end
            local fields = {'uri', uri, 'event', event, 'feed', feed}
            for i = 1, 3 do
                local value = args[at + 2 + i]
                if value ~= '' then
                    fields[#fields + 1] = names[i]
                    fields[#fields + 1] = value
                end
            end
            local plain_n = #fields
            local delivered = false
            for s = 1, nstreams do
                local action = string.sub(actions, s, s)
                if not (duplicate_of and action == 'd') then
                    local f = fields
                    local json = item
                    if patch or (duplicate_of and action == 'm') then
                        local extra = patch or '"revision":1'
                        if duplicate_of and action == 'm' then
                            extra = extra .. ',"duplicate_of":' .. cjson.encode(duplicate_of)
                        end
                        local pos = string.find(item, '"revision":1', 1, true)
                        if pos then
                            json = string.sub(item, 1, pos - 1) .. extra .. string.sub(item, pos + 12)
                        end
                    end
                    if duplicate_of and action == 'm' then
                        f = {unpack(fields, 1, plain_n)}
                        f[#f + 1] = 'duplicate_of'
                        f[#f + 1] = duplicate_of
                    end
                    local n = #f
                    f[n + 1] = 'item'
                    f[n + 2] = json
                    local new_id
                    if maxlen == '0' then
                        new_id = redis.pcall('XADD', keys[S + s - 1], '*', unpack(f))
                    else
                        new_id = redis.pcall('XADD', keys[S + s - 1], 'MAXLEN', '~', maxlen, '*', unpack(f))
                    end
                    f[n + 1], f[n + 2] = nil, nil
                    if type(new_id) == 'table' and new_id.err then
                        -- Writes are not rolled back: what this batch already
                        -- appended is recorded before the error goes back, so
                        -- a retry does not append it again (this item too,
                        -- when an earlier stream took it: a stream refusing
                        -- it, say of the wrong type, will refuse it again).
                        if delivered then
                            entry_writes[#entry_writes + 1] = eh
                            entry_writes[#entry_writes + 1] = fp .. 'd' .. rev3(revision)
                        end
                        if #entry_writes > 0 then
                            write_entries(keys[E], newest_entries, entry_pos, entry_writes, exact_until)
                        end
                        if #article_writes > 0 then redis.call('HSET', keys[A], unpack(article_writes)) end
                        -- No near record is written: no cell may name one.
                        put_back({})
                        return new_id
                    end
                    if not delivered then id = new_id end
                    delivered = true
                end
            end
            if duplicate_of and not delivered then status = 5 end
            local value = fp .. (status == 5 and 'n' or 'd') .. rev3(revision)
            entry_writes[#entry_writes + 1] = eh
            entry_writes[#entry_writes + 1] = value
            written_entry[eh] = value
        end
        if deliver_it and status ~= 5 then
            record_article(k, feed .. '\n' .. uri, true)
            if item_bands[k] and status ~= 2 and status ~= 4 and status ~= 5 then
                -- Later republications find this item. A near-duplicate is
                -- not indexed: its root already is, and a dispatch that
                -- hundreds of outlets republish must not fill the bands
                -- with copies that every later copy is compared with.
                near_writes[#near_writes + 1] = ref_field(ref_of(eh))
                near_writes[#near_writes + 1] = item_sig[k] .. feed .. '\n' .. (duplicate_of or uri)
                indexed[k] = true
            end
        end
        out[#out + 1] = status
        out[#out + 1] = revision
        out[#out + 1] = id
        out[#out + 1] = related
    end
    if #entry_writes > 0 then
        write_entries(keys[E], newest_entries, entry_pos, entry_writes, exact_until)
    end
    if #article_writes > 0 then
        redis.call('HSET', keys[A], unpack(article_writes))
        redis.call('EXPIREAT', keys[A], exact_until)
    end
    put_back(indexed)
    if #near_writes > 0 then
        redis.call('HSET', keys[N], unpack(near_writes))
        redis.call('EXPIREAT', keys[N], near_until)
    end
    return out
end

redis.register_function('feedwire_deliver', deliver)
)lua";

std::string hash8(std::string_view text) {
    const auto digest = feeds::sha256(text);
    return {reinterpret_cast<const char*>(digest.data()), 8};
}

// floor(t / epoch), also before 1970.
std::int64_t epoch_of(std::chrono::system_clock::time_point now, std::chrono::seconds epoch) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const auto e = epoch.count();
    return s >= 0 ? s / e : -((-s + e - 1) / e);
}

// Epochs to read: every one that may hold a record younger than `keep`.
std::int64_t epochs_alive(std::chrono::seconds keep, std::chrono::seconds epoch) {
    return (keep.count() + epoch.count() - 1) / epoch.count() + 1;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
}

// The function's near blob for a payload (see the contract above), for a
// near index of `cells` cells, with every band (32) or every other band
// (16); empty when the item has no signature.
std::string near_blob(const delivery_payload& p, std::uint64_t cells, std::uint32_t bands) {
    constexpr std::size_t sig_size = 2 + 2 * feeds::minhash_bins;
    if (p.minhash.size() != sig_size + 6 * feeds::minhash_bands || p.keys.size() < 4) return {};
    const auto byte = [](char c) {
        return static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    };
    std::uint64_t ref = (byte(p.keys[0]) << 24U) | (byte(p.keys[1]) << 16U) |
                        (byte(p.keys[2]) << 8U) | byte(p.keys[3]);
    if (ref == 0) ref = 1;
    std::array<std::uint64_t, feeds::minhash_bands> hashes{};
    for (std::size_t b = 0; b < feeds::minhash_bands; ++b) {
        for (std::size_t i = 0; i < 6; ++i) {
            hashes[b] = (hashes[b] << 8U) | byte(p.minhash[sig_size + 6 * b + i]);
        }
    }
    // MessagePack by hand: fixarray, array 16, fixstr, uint 16, str 16.
    std::string out;
    out.reserve(sig_size + 64 * feeds::minhash_bands);
    out += static_cast<char>(0x93);
    const auto put16 = [&](std::size_t v) {
        out += static_cast<char>((v >> 8U) & 0xFFU);
        out += static_cast<char>(v & 0xFFU);
    };
    // A fixstr of a number's decimal digits, after `prefix`.
    const auto put_number = [&](std::string_view prefix, std::uint64_t v) {
        std::array<char, 24> digits{};
        const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), v).ptr;
        const auto size = prefix.size() + static_cast<std::size_t>(end - digits.data());
        out += static_cast<char>(0xA0U | size);  // at most 21 bytes
        out += prefix;
        out.append(digits.data(), end);
    };
    out += static_cast<char>(0xDC);
    // A subset of the same bands, so items of either setting find each
    // other in one index.
    const std::size_t step = bands == 16 ? 2 : 1;
    const std::size_t count = feeds::minhash_bands / step;
    put16(2 * count);
    for (std::size_t b = 0; b < feeds::minhash_bands; b += step) {
        put_number("#", (hashes[b] & 0xFFFFFFFFU) % cells);
    }
    for (std::size_t b = 0; b < feeds::minhash_bands; b += step) {
        put_number({}, ((hashes[b] >> 32U) << 32U) | ref);
    }
    out += static_cast<char>(0xDC);
    put16(count);
    for (std::size_t b = 0; b < feeds::minhash_bands; b += step) {
        out += static_cast<char>(0xCD);
        put16(static_cast<std::size_t>(hashes[b] >> 32U));
    }
    out += static_cast<char>(0xDA);
    put16(sig_size);
    out.append(p.minhash, 0, sig_size);
    return out;
}

bool is_loading(const std::string& message) { return message.rfind("LOADING", 0) == 0; }

// Items in a feedwire_deliver argv: FCALL, name, numkeys, the keys, 8
// arguments, then 7 per item.
std::size_t items_in_command(const std::vector<std::string>& argv) {
    if (argv.size() < 3) return 0;
    std::size_t keys = 0;
    for (char c : argv[2]) {
        if (c < '0' || c > '9' || keys > argv.size()) return 0;
        keys = keys * 10 + static_cast<std::size_t>(c - '0');
    }
    const std::size_t fixed = 3 + keys + 8;
    return argv.size() >= fixed ? (argv.size() - fixed) / 7 : 0;
}

}  // namespace

// One library holds every feedwire FUNCTION, since a LOAD REPLACE replaces
// it whole: delivery's, then membership's (membership.hpp).
std::string_view delivery_library_source() {
    static const std::string whole = [] {
        // BITFIELD SET of n bands: the cells c[1..n], the values c[n+1..2n].
        const auto arguments = [](std::size_t n) {
            std::string out;
            for (std::size_t b = 1; b <= n; ++b) {
                if (b > 1) out += ", ";
                out +=
                    "'SET', 'u48', c[" + std::to_string(b) + "], c[" + std::to_string(n + b) + "]";
            }
            return out;
        };
        std::string source(library_source);
        replace_all(source, "BAND_SET_ARGUMENTS_32", arguments(feeds::minhash_bands));
        replace_all(source, "BAND_SET_ARGUMENTS_16", arguments(feeds::minhash_bands / 2));
        return source + std::string(membership_library_source());
    }();
    return whole;
}

std::vector<std::string> delivery_library_load_command() {
    return {"FUNCTION", "LOAD", "REPLACE", std::string(delivery_library_source())};
}

std::vector<std::string> route_streams(std::string_view stream_template, const std::string& feed_id,
                                       const std::vector<std::string>& tags) {
    std::string base(stream_template);
    replace_all(base, "{feed}", feed_id);
    std::vector<std::string> candidates;
    if (base.find("{tag}") == std::string::npos) {
        candidates.push_back(std::move(base));
    } else {
        for (const auto& tag : tags) {
            if (tag.empty()) continue;  // "news:" is not a stream anyone asked for
            std::string name = base;
            replace_all(name, "{tag}", tag);
            candidates.push_back(std::move(name));
        }
    }
    std::vector<std::string> out;
    for (auto& c : candidates) {
        if (c.empty() || std::find(out.begin(), out.end(), c) != out.end()) continue;
        out.push_back(std::move(c));
    }
    return out;
}

std::string entries_key(const std::string& feed_id, std::int64_t epoch) {
    return "feedwire:{dedup}:entries:" + feed_id + ":" + std::to_string(epoch);
}
std::string articles_key(std::int64_t epoch) {
    return "feedwire:{dedup}:articles:" + std::to_string(epoch);
}
std::string near_index_key(std::chrono::seconds window, std::uint64_t cells) {
    return "feedwire:{dedup}:nearidx:" + std::to_string(window.count()) + ":" +
           std::to_string(cells);
}
std::string near_key(std::chrono::seconds window, std::int64_t epoch) {
    return "feedwire:{dedup}:near:" + std::to_string(window.count()) + ":" + std::to_string(epoch);
}
std::string sightings_key(const std::string& uri) { return "feedwire:{dedup}:sightings:" + uri; }

delivery_payload prepare_delivery(const feeds::item& item) {
    delivery_payload p;
    p.uri = item.uri;
    p.keys = hash8(item.uri) + hash8(item.fingerprint.content) +
             (item.url.empty() ? std::string(8, '\0') : hash8(item.url));
    if (auto m = feeds::decode_minhash(item.fingerprint.minhash)) {
        p.minhash.reserve(2 + 2 * feeds::minhash_bins + 6 * feeds::minhash_bands);
        const auto put = [&](std::uint32_t v) {
            p.minhash.push_back(static_cast<char>(v & 0xFFU));
            p.minhash.push_back(static_cast<char>((v >> 8U) & 0xFFU));
        };
        put(std::min<std::uint32_t>(m->shingles, 0xFFFF));
        for (auto bin : m->bins) put(bin);
        // Each band's 48-bit hash, big-endian: its low 32 bits place it in
        // a near index, the high 16 are its tag (near_blob()).
        for (const std::uint64_t h : feeds::lsh_band_hashes(*m)) {
            for (int shift = 40; shift >= 0; shift -= 8) {
                p.minhash.push_back(static_cast<char>((h >> static_cast<unsigned>(shift)) & 0xFFU));
            }
        }
    }
    p.url = item.url;
    p.headline = item.headline;
    // The function patches the revision (and duplicate_of); the item always
    // goes out as revision 1.
    if (item.versioncreated) {
        p.versioncreated = feeds::format_rfc3339(*item.versioncreated);
    } else if (item.firstcreated) {
        p.versioncreated = feeds::format_rfc3339(*item.firstcreated);
    }
    p.json = feeds::item_json(item, 1);
    return p;
}

std::size_t delivery_payload::size() const {
    return uri.size() + keys.size() + minhash.size() + url.size() + headline.size() +
           versioncreated.size() + json.size();
}

std::vector<std::string> deliver_command(const delivery_target& target,
                                         std::span<delivery_payload> payloads) {
    using std::chrono::seconds;
    const auto retention = std::max(target.retention, seconds{1});
    const auto window = std::max(target.near_window, seconds{1});
    const std::int64_t exact_now = epoch_of(target.now, exact_epoch);
    // Near keys: epochs as long as the window, so a lookup reads two.
    const std::int64_t near_now = epoch_of(target.now, window);
    const std::int64_t ne = epochs_alive(retention, exact_epoch);
    const std::int64_t nn = 2;
    std::vector<std::string> argv;
    argv.reserve(3 + static_cast<std::size_t>(2 * ne + 1 + nn) + target.streams.size() + 8 +
                 payloads.size() * 7);
    argv.emplace_back("FCALL");
    argv.emplace_back("feedwire_deliver");
    argv.push_back(
        std::to_string(2 * ne + 1 + nn + static_cast<std::int64_t>(target.streams.size())));
    for (std::int64_t e = 0; e < ne; ++e)
        argv.push_back(entries_key(target.feed_id, exact_now - e));
    for (std::int64_t e = 0; e < ne; ++e) argv.push_back(articles_key(exact_now - e));
    const std::uint64_t cells = std::max<std::uint64_t>(target.near_index_cells, 1);
    argv.push_back(near_index_key(window, cells));
    for (std::int64_t e = 0; e < nn; ++e) argv.push_back(near_key(window, near_now - e));
    argv.insert(argv.end(), target.streams.begin(), target.streams.end());
    argv.push_back(std::to_string(target.maxlen));
    argv.push_back(target.feed_id);
    argv.push_back(std::to_string(ne));
    argv.push_back(std::to_string(nn));
    argv.push_back(std::to_string((exact_now + 1) * exact_epoch.count() + retention.count()));
    argv.push_back(std::to_string((near_now + 2) * window.count()));
    std::string actions;
    for (std::size_t i = 0; i < target.streams.size(); ++i) {
        const auto a =
            i < target.actions.size() ? target.actions[i] : config::near_duplicate_action::mark;
        actions.push_back(a == config::near_duplicate_action::drop  ? 'd'
                          : a == config::near_duplicate_action::off ? 'o'
                                                                    : 'm');
    }
    // No stream looks for near-duplicates: the function needs no blobs.
    const bool near_on = actions.find_first_of("md") != std::string::npos;
    argv.push_back(std::move(actions));
    argv.push_back(std::to_string(retention.count()));
    for (auto& p : payloads) {
        // Reads p.keys: before the move.
        std::string near = near_on ? near_blob(p, cells, target.near_bands) : std::string();
        argv.push_back(std::move(p.uri));
        argv.push_back(std::move(p.keys));
        argv.push_back(std::move(near));
        argv.push_back(std::move(p.url));
        argv.push_back(std::move(p.headline));
        argv.push_back(std::move(p.versioncreated));
        argv.push_back(std::move(p.json));
    }
    return argv;
}

std::optional<std::vector<delivery_result>> read_delivery_reply(const redis_reply& reply,
                                                                std::size_t count,
                                                                std::string& reason) {
    if (reply.is_error()) {
        reason = reply.str;
        return std::nullopt;
    }
    if (reply.type != redis_reply::kind::array || reply.elements.size() != 4 * count) {
        reason = "unexpected reply to FCALL feedwire_deliver: not an array of " +
                 std::to_string(4 * count);
        return std::nullopt;
    }
    std::vector<delivery_result> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& status = reply.elements[4 * i];
        const auto& revision = reply.elements[4 * i + 1];
        const auto& id = reply.elements[4 * i + 2];
        const auto& related = reply.elements[4 * i + 3];
        const auto is_text = [](const redis_reply& r) {
            return r.type == redis_reply::kind::string || r.type == redis_reply::kind::nil;
        };
        if (status.type != redis_reply::kind::integer ||
            revision.type != redis_reply::kind::integer || !is_text(id) || !is_text(related)) {
            reason = "unexpected reply to FCALL feedwire_deliver: wrong element types";
            return std::nullopt;
        }
        if (revision.integer < 0 ||
            revision.integer > static_cast<long long>(std::numeric_limits<std::uint32_t>::max())) {
            reason = "unexpected reply to FCALL feedwire_deliver: revision out of range";
            return std::nullopt;
        }
        delivery_result r;
        switch (status.integer) {
            case 0:
                r.event = delivery_event::unchanged;
                break;
            case 1:
                r.event = delivery_event::added;
                break;
            case 2:
                r.event = delivery_event::updated;
                break;
            case 3:
                r.event = delivery_event::duplicate;
                break;
            case 4:
                r.event = delivery_event::near_duplicate;
                break;
            case 5:
                r.event = delivery_event::near_duplicate_dropped;
                break;
            default:
                reason = "unexpected reply to FCALL feedwire_deliver: status " +
                         std::to_string(status.integer);
                return std::nullopt;
        }
        r.revision = static_cast<std::uint32_t>(revision.integer);
        r.stream_id = id.str;
        r.related = related.str;
        out.push_back(std::move(r));
    }
    return out;
}

struct deliverer::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, redis_client& redis, deliverer_options options)
        : io_(io), redis_(redis), options_(std::move(options)), sync_timer_(io) {
        options_.max_attempts = std::max(options_.max_attempts, 1);
    }

    struct batch {
        batch_summary summary;
        std::size_t remaining = 0;
        done_handler done;
    };
    struct job {
        std::uint64_t id = 0;
        std::shared_ptr<batch> owner;
        std::vector<std::string> argv;
        std::size_t items = 0;
        int attempts = 0;
        bool is_settled = false;
        std::uint64_t spool_seq = 0;  // set once written to the spool
        std::unique_ptr<asio::steady_timer> retry;
    };

    asio::io_context& io_;
    redis_client& redis_;
    deliverer_options options_;
    std::map<std::uint64_t, std::shared_ptr<job>> jobs_;  // not settled yet
    std::uint64_t next_id_ = 0;
    std::size_t pending_items_ = 0;
    // Spooled jobs waiting for the fsync that makes them durable, in order.
    std::deque<std::shared_ptr<job>> awaiting_sync_;
    asio::steady_timer sync_timer_;
    bool is_sync_armed_ = false;
    bool is_replaying_ = false;
    std::unique_ptr<asio::steady_timer> replay_retry_;
    spool_counters counters_;

    void report(const std::string& message) {
        if (options_.report) options_.report(message);
    }

    // While the spool holds anything, new commands queue behind it: a
    // feed's items reach the stream in the order they were fetched.
    bool should_spool() const {
        return options_.disk != nullptr && (!redis_.is_connected() || !options_.disk->empty());
    }

    void deliver(const std::string& feed_id, std::vector<delivery_payload> payloads,
                 const std::vector<std::string>& streams, done_handler done) {
        auto owner = std::make_shared<batch>();
        owner->done = std::move(done);
        if (payloads.empty()) {
            asio::post(io_, [weak = weak_from_this(), owner] {
                if (weak.lock() && owner->done) owner->done(owner->summary);
            });
            return;
        }
        // Commands of up to max_batch_items items or about max_batch_bytes
        // each: one FCALL runs a whole command while Redis waits, so a
        // 500-item feed is 8 commands, not 500, and not one that blocks
        // the server for long.
        delivery_target target;
        target.feed_id = feed_id;
        target.streams = streams;
        for (const auto& s : streams) target.actions.push_back(options_.dedup.action_for(s));
        target.maxlen = options_.maxlen;
        target.retention =
            std::chrono::duration_cast<std::chrono::seconds>(options_.dedup.retention);
        target.near_window =
            std::chrono::duration_cast<std::chrono::seconds>(options_.dedup.near_window);
        target.near_index_cells = options_.dedup.near_index_size / 6;
        target.near_bands = options_.dedup.near_bands;
        target.now = options_.now();
        std::vector<std::shared_ptr<job>> batch_jobs;
        std::span<delivery_payload> rest(payloads);
        while (!rest.empty()) {
            std::size_t n = 0;
            std::size_t bytes = 0;
            while (n < rest.size() && n < max_batch_items &&
                   (n == 0 || bytes + rest[n].size() <= max_batch_bytes)) {
                bytes += rest[n].size();
                ++n;
            }
            auto j = std::make_shared<job>();
            j->id = next_id_++;
            j->owner = owner;
            j->items = n;
            j->argv = deliver_command(target, rest.first(n));
            rest = rest.subspan(n);
            jobs_.emplace(j->id, j);
            pending_items_ += n;
            ++owner->remaining;
            batch_jobs.push_back(std::move(j));
        }
        // Back to back: the client's window pipelines them.
        const bool to_disk = should_spool();
        for (auto& j : batch_jobs) {
            if (to_disk) {
                to_spool(j);
            } else {
                send(j);
            }
        }
    }

    void send(const std::shared_ptr<job>& j) {
        ++j->attempts;
        redis_.command_and_wait(j->argv, options_.wait_replicas, options_.wait_timeout,
                                [weak = weak_from_this(), j](redis_result r) {
                                    auto self = weak.lock();
                                    if (!self || j->is_settled || j->spool_seq != 0) return;
                                    self->on_result(j, r);
                                });
    }

    void on_result(const std::shared_ptr<job>& j, const redis_result& r) {
        if (!r) {
            const auto& err = r.error();
            if (err.is_outcome_unknown()) {
                retry_or_fail(j, err.message);
            } else {
                settle_failed(j, err.message);
            }
            return;
        }
        if (r->is_error() && is_loading(r->str)) {
            retry_or_fail(j, r->str);
            return;
        }
        std::string reason;
        auto results = read_delivery_reply(*r, j->items, reason);
        if (!results) {
            settle_failed(j, reason);
            return;
        }
        count(j->owner->summary, *results);
        settle(j);
    }

    static void count(batch_summary& summary, const std::vector<delivery_result>& results) {
        for (const auto& result : results) {
            switch (result.event) {
                case delivery_event::added:
                    ++summary.added;
                    break;
                case delivery_event::updated:
                    ++summary.updated;
                    break;
                case delivery_event::unchanged:
                    ++summary.unchanged;
                    break;
                case delivery_event::duplicate:
                    ++summary.duplicates;
                    break;
                case delivery_event::near_duplicate:
                    ++summary.near_duplicates;
                    break;
                case delivery_event::near_duplicate_dropped:
                    ++summary.near_dropped;
                    break;
            }
        }
    }

    void retry_or_fail(const std::shared_ptr<job>& j, const std::string& message) {
        // With a spool, a command whose outcome is unknown waits on disk:
        // replay sends it again, and the function finds it if it arrived.
        if (options_.disk != nullptr) return to_spool(j);
        if (j->attempts >= options_.max_attempts) {
            settle_failed(j,
                          "gave up after " + std::to_string(j->attempts) + " attempts: " + message);
            return;
        }
        if (!j->retry) j->retry = std::make_unique<asio::steady_timer>(io_);
        j->retry->expires_after(options_.retry_delay);
        j->retry->async_wait([weak = weak_from_this(), j](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || j->is_settled) return;
            self->send(j);
        });
    }

    // ---- the spool -----------------------------------------------------

    void to_spool(const std::shared_ptr<job>& j) {
        auto seq = options_.disk->append(j->argv);
        if (!seq) {
            // Full or failing disk: the batch fails, so the feed's state
            // stays where it was and the items are fetched again.
            if (seq.error().code == spool_errc::full) {
                ++counters_.refused_full;
            } else {
                ++counters_.write_errors;
            }
            return settle_failed(j, "not delivered and not spooled: " + seq.error().message);
        }
        j->spool_seq = *seq;
        counters_.spooled_items += j->items;
        if (options_.disk->durable() >= *seq) return settle_spooled(j);
        awaiting_sync_.push_back(j);
        arm_sync();
    }

    void arm_sync() {
        if (is_sync_armed_) return;
        is_sync_armed_ = true;
        sync_timer_.expires_after(options_.sync_interval);
        sync_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (!self || ec) return;
            self->is_sync_armed_ = false;
            self->sync_now();
        });
    }

    void sync_now() {
        if (options_.disk == nullptr || awaiting_sync_.empty()) return;
        auto keep = shared_from_this();
        auto synced = options_.disk->sync();
        auto waiting = std::move(awaiting_sync_);
        awaiting_sync_.clear();
        for (auto& j : waiting) {
            if (j->is_settled) continue;
            if (!synced) {
                ++counters_.write_errors;
                settle_failed(j, "spooled but not synced: " + synced.error().message);
            } else {
                settle_spooled(j);
            }
        }
    }

    void settle_spooled(const std::shared_ptr<job>& j) {
        j->owner->summary.spooled += j->items;
        settle(j);
        replay();  // Redis may be back already
    }

    // Replays the spool, one record at a time, oldest first, while Redis
    // is connected. A record leaves the spool only after Redis answered it.
    void replay() {
        if (options_.disk == nullptr || is_replaying_ || !redis_.is_connected()) return;
        if (replay_retry_) return;  // waiting out -LOADING
        auto front = options_.disk->front();
        if (!front) {
            ++counters_.read_errors;
            report(front.error().message + "; skipped");
            options_.disk->pop_front();
            return asio::post(io_, [weak = weak_from_this()] {
                if (auto self = weak.lock()) self->replay();
            });
        }
        if (!*front) return;
        is_replaying_ = true;
        const std::size_t items = items_in_command(**front);
        redis_.command_and_wait(std::move(**front), options_.wait_replicas, options_.wait_timeout,
                                [weak = weak_from_this(), items](redis_result r) {
                                    auto self = weak.lock();
                                    if (!self) return;
                                    self->on_replayed(r, items);
                                });
    }

    void on_replayed(const redis_result& r, std::size_t items) {
        is_replaying_ = false;
        // Written but not on enough replicas yet, or -LOADING: the record
        // stays, and is sent again after a pause.
        const bool is_retry = (!r && r.error().code == redis_errc::not_replicated) ||
                              (r && r->is_error() && is_loading(r->str));
        if (is_retry) {
            replay_retry_ = std::make_unique<asio::steady_timer>(io_, options_.retry_delay);
            replay_retry_->async_wait([weak = weak_from_this()](const boost::system::error_code&) {
                auto self = weak.lock();
                if (!self) return;
                self->replay_retry_.reset();
                self->replay();
            });
            return;
        }
        if (!r) return;  // connection lost: the record stays; replay resumes on reconnect
        if (r->is_error()) {
            // Redis refuses it for good (a key of the wrong type, a missing
            // function): keeping it would stop every record behind it.
            ++counters_.refused_records;
            report("spooled command refused by Redis, dropped: " + r->str);
        } else {
            counters_.replayed_items += items;
        }
        options_.disk->pop_front();
        replay();
    }

    // Shutdown: every command not yet answered goes to the spool, durably.
    void spool_pending() {
        if (options_.disk == nullptr) return;
        auto keep = shared_from_this();
        std::vector<std::shared_ptr<job>> open;
        for (auto& [id, j] : jobs_)
            if (!j->is_settled && j->spool_seq == 0) open.push_back(j);
        for (auto& j : open) {
            if (j->retry) j->retry->cancel();
            if (!j->is_settled) to_spool(j);
        }
        sync_now();
    }

    // ---- settling ------------------------------------------------------

    void settle_failed(const std::shared_ptr<job>& j, const std::string& message) {
        auto& summary = j->owner->summary;
        summary.failed += j->items;
        if (summary.error.empty()) summary.error = message;
        settle(j);
    }

    // May run the batch's done handler, which may destroy the deliverer: the
    // caller holds a strong reference and touches nothing afterwards.
    void settle(const std::shared_ptr<job>& j) {
        j->is_settled = true;
        jobs_.erase(j->id);
        pending_items_ -= j->items;
        if (j->retry) j->retry->cancel();
        auto owner = j->owner;
        if (--owner->remaining == 0 && owner->done) {
            auto done = std::move(owner->done);
            done(std::move(owner->summary));
        }
    }

    void abandon() {
        auto keep = shared_from_this();
        auto jobs = std::move(jobs_);
        jobs_.clear();
        pending_items_ = 0;
        awaiting_sync_.clear();
        std::vector<std::pair<done_handler, batch_summary>> finished;
        for (auto& [id, j] : jobs) {
            j->is_settled = true;
            if (j->retry) j->retry->cancel();
            auto& summary = j->owner->summary;
            summary.failed += j->items;
            if (summary.error.empty()) summary.error = "delivery abandoned";
            if (--j->owner->remaining == 0 && j->owner->done) {
                finished.emplace_back(std::move(j->owner->done), std::move(summary));
            }
        }
        for (auto& [done, summary] : finished) done(std::move(summary));
    }
};

deliverer::deliverer(boost::asio::io_context& io, redis_client& redis, deliverer_options options)
    : impl_(std::make_shared<impl>(io, redis, options)) {}

deliverer::~deliverer() {
    if (!impl_) return;
    impl_->sync_timer_.cancel();
    if (impl_->replay_retry_) impl_->replay_retry_->cancel();
    for (auto& [id, j] : impl_->jobs_) {
        j->is_settled = true;
        if (j->retry) j->retry->cancel();
    }
}

void deliverer::deliver(const std::string& feed_id, std::vector<delivery_payload> payloads,
                        const std::vector<std::string>& streams, done_handler done) {
    impl_->deliver(feed_id, std::move(payloads), streams, std::move(done));
}

void deliverer::deliver(const std::string& feed_id, const std::vector<feeds::item>& items,
                        const std::vector<std::string>& streams, done_handler done) {
    std::vector<delivery_payload> payloads;
    payloads.reserve(items.size());
    for (const auto& it : items) payloads.push_back(prepare_delivery(it));
    impl_->deliver(feed_id, std::move(payloads), streams, std::move(done));
}

std::size_t deliverer::pending() const { return impl_->pending_items_; }

void deliverer::abandon() { impl_->abandon(); }

void deliverer::on_redis_connected() { impl_->replay(); }

void deliverer::spool_pending() { impl_->spool_pending(); }

spool_counters deliverer::counters() const { return impl_->counters_; }

}  // namespace feedwire::daemon
