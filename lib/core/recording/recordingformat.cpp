// SPDX-License-Identifier: MIT
#include "core/recording/recordingformat.h"

#include "core/eventformat.h"
#include "core/jsonreader.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <charconv>
#include <cstring>
#include <string_view>

namespace bmon::recording {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::recording", text);
}

void appendInt(QByteArray& out, qint64 v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}

void appendUInt(QByteArray& out, quint64 v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr - buf);
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The common prefix of frame and meta lines, up to and including the comma after "gen".
void appendLinePrefix(
    QByteArray& out, qint64 timeUs, quint64 seq, std::optional<Direction> direction, quint16 generation)
{
    out.append(R"({"time":")");
    EventFormat::appendIsoTime(out, timeUs);
    out.append(R"(","us":)");
    appendInt(out, timeUs);
    out.append(R"(,"seq":)");
    appendUInt(out, seq);
    if (direction)
        out.append(*direction == Direction::Sent ? R"(,"dir":"out")" : R"(,"dir":"in")");
    out.append(R"(,"gen":)");
    appendUInt(out, generation);
    out.append(',');
}

// Whether \a line (one encoded line without its '\n') reads back with the reader decodeLine()
// uses: the frame is embedded raw only when it does (nesting limits included).
bool lineParses(const char* begin, const char* end)
{
    JsonReader r(begin, end);
    if (!r.enterObject())
        return false;
    std::string_view key;
    while (r.nextMember(key))
        if (!r.skipValue())
            return false;
    return !r.failed() && r.finish();
}

template<typename T>
bool parseInteger(std::string_view raw, T& out)
{
    const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), out);
    return r.ec == std::errc() && r.ptr == raw.data() + raw.size();
}

// A string member's value, decoded.
bool readText(JsonReader& r, std::string& out)
{
    std::string_view raw;
    if (!r.readString(raw))
        return false;
    out = r.lastStringHadEscapes() ? JsonReader::decodeString(raw) : std::string(raw);
    return true;
}

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// The raw extent of the next value (whitespace before it excluded).
bool readRaw(JsonReader& r, const char* base, QByteArrayView& out)
{
    r.peek();
    const qsizetype start = r.offset();
    if (!r.skipValue())
        return false;
    out = QByteArrayView(base + start, r.offset() - start);
    return true;
}

bool readObject(JsonReader& r, const char* base, QJsonObject& out)
{
    if (r.peek() != JsonReader::Token::ObjectBegin)
        return false;
    QByteArrayView raw;
    if (!readRaw(r, base, raw))
        return false;
    out = QJsonDocument::fromJson(raw.toByteArray()).object();
    return true;
}

} // namespace

QByteArray isoTimeUs(qint64 us)
{
    QByteArray out;
    EventFormat::appendIsoTime(out, us);
    return out;
}

std::optional<qint64> parseIsoTimeUs(QByteArrayView text)
{
    // YYYY-MM-DDTHH:MM:SS[.f…](Z|±hh:mm)
    const char* p = text.data();
    const qsizetype n = text.size();
    auto digits = [&](qsizetype at, int count, int& v) {
        if (at + count > n)
            return false;
        v = 0;
        for (int i = 0; i < count; ++i) {
            const char c = p[at + i];
            if (c < '0' || c > '9')
                return false;
            v = v * 10 + (c - '0');
        }
        return true;
    };
    int y, mo, d, h, mi, s;
    if (n < 20 || !digits(0, 4, y) || p[4] != '-' || !digits(5, 2, mo) || p[7] != '-' || !digits(8, 2, d)
        || (p[10] != 'T' && p[10] != ' ') || !digits(11, 2, h) || p[13] != ':' || !digits(14, 2, mi)
        || p[16] != ':' || !digits(17, 2, s))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    qsizetype i = 19;
    qint64 micros = 0;
    if (i < n && p[i] == '.') {
        ++i;
        int count = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            if (count < 6) {
                micros = micros * 10 + (p[i] - '0');
                ++count;
            }
            ++i;
        }
        if (count == 0)
            return std::nullopt;
        while (count++ < 6)
            micros *= 10;
    }
    qint64 offsetSecs = 0;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        ++i;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        int oh, om;
        if (!digits(i + 1, 2, oh) || i + 3 >= n || p[i + 3] != ':' || !digits(i + 4, 2, om))
            return std::nullopt;
        offsetSecs = (p[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != n)
        return std::nullopt;
    // Days from the civil date (H. Hinnant's algorithm).
    const int yy = y - (mo <= 2);
    const int era = (yy >= 0 ? yy : yy - 399) / 400;
    const unsigned yoe = unsigned(yy - era * 400);
    const unsigned doy = (153 * unsigned(mo + (mo > 2 ? -3 : 9)) + 2) / 5 + unsigned(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const qint64 days = qint64(era) * 146097 + qint64(doe) - 719468;
    const qint64 secs = days * 86400 + h * 3600 + mi * 60 + s - offsetSecs;
    return secs * 1000000 + micros;
}

QByteArray encodeHeader(const Header& header)
{
    QByteArray out;
    out.append(R"({"format":)");
    EventFormat::appendJsonString(out, QByteArrayView(FormatName));
    out.append(R"(,"version":)");
    appendInt(out, header.version);
    out.append(R"(,"app":)");
    EventFormat::appendJsonString(out, header.appVersion);
    out.append(R"(,"url":)");
    EventFormat::appendJsonString(out, header.backendUrl);
    out.append(R"(,"server":)");
    EventFormat::appendJsonString(out, header.serverVersion);
    out.append(R"(,"start":")");
    EventFormat::appendIsoTime(out, header.startUs);
    out.append(R"(","start_us":)");
    appendInt(out, header.startUs);
    out.append(R"(,"login":)");
    EventFormat::appendJsonString(out, header.login);
    if (!header.extra.isEmpty()) {
        out.append(R"(,"extra":)");
        out.append(QJsonDocument(header.extra).toJson(QJsonDocument::Compact));
    }
    out.append("}\n");
    return out;
}

void encodeFrameAppend(qint64 timeUs, quint64 seq, Direction direction, quint16 generation,
    QByteArrayView frame, bool binary, QByteArray& out, quint64 originalSize)
{
    const qsizetype lineStart = out.size();
    appendLinePrefix(out, timeUs, seq, direction, generation);
    if (originalSize > quint64(frame.size())) {
        out.append(R"("truncated":)");
        appendUInt(out, originalSize);
        out.append(',');
    }
    if (binary) {
        out.append(R"("binary":true,"base64":")");
        out.append(frame.toByteArray().toBase64());
        out.append("\"}\n");
        return;
    }
    // Raw only when the frame is exactly one JSON value: no surrounding whitespace (the reader
    // would not give it back) and no raw line break (one line per frame).
    const bool candidate = !frame.isEmpty() && !isJsonSpace(frame.front()) && !isJsonSpace(frame.back())
        && !std::memchr(frame.data(), '\n', size_t(frame.size()))
        && !std::memchr(frame.data(), '\r', size_t(frame.size()));
    if (candidate) {
        const qsizetype frameStart = out.size() + 8;
        out.append(R"("frame":)");
        out.append(frame.data(), frame.size());
        out.append('}');
        if (lineParses(out.constData() + lineStart, out.constData() + out.size())
            && JsonReader::firstInvalidUtf8(out.constData() + frameStart, frame.size()) < 0) {
            out.append('\n');
            return;
        }
        out.truncate(out.size() - frame.size() - 9);
    }
    if (JsonReader::firstInvalidUtf8(frame.data(), frame.size()) < 0) {
        out.append(R"("text":)");
        EventFormat::appendJsonString(out, frame);
    } else {
        out.append(R"("base64":")");
        out.append(frame.toByteArray().toBase64());
        out.append('"');
    }
    out.append("}\n");
}

void encodeLineAppend(const Line& line, QByteArray& out)
{
    if (line.kind == Line::Kind::Frame) {
        encodeFrameAppend(
            line.timeUs, line.seq, line.direction, line.generation, line.frame, line.binary, out);
        return;
    }
    appendLinePrefix(out, line.timeUs, line.seq,
        line.direction == Direction::Sent ? std::optional(Direction::Sent) : std::nullopt, line.generation);
    out.append(R"("meta":)");
    EventFormat::appendJsonString(out, line.metaType);
    out.append(R"(,"data":)");
    out.append(QJsonDocument(line.meta).toJson(QJsonDocument::Compact));
    out.append("}\n");
}

QByteArray encodeLine(const Line& line)
{
    QByteArray out;
    encodeLineAppend(line, out);
    return out;
}

DecodeError decodeLineInto(
    QByteArrayView text, Line& line, Header& header, bool& isHeader, QString* errorText)
{
    isHeader = false;
    auto fail = [&](DecodeError e, const QString& why) {
        if (errorText)
            *errorText = why;
        return e;
    };
    const char* base = text.data();
    JsonReader r(base, base + text.size());
    if (!r.enterObject())
        return fail(DecodeError::NotJson, tr("not a JSON object"));

    // Frame and meta members.
    bool haveUs = false, haveTime = false, haveSeq = false, haveFrame = false, haveMeta = false;
    qint64 us = 0, timeFromText = 0;
    std::string_view timeText;
    quint64 seq = 0;
    quint64 gen = 0;
    bool sent = false, binary = false;
    enum class Enc
    {
        Raw,
        Text,
        Base64
    } enc
        = Enc::Raw;
    QByteArrayView payload;
    std::string metaType;
    QJsonObject metaData;
    // Header members.
    bool haveFormat = false;
    std::string format, app, url, server, login;
    qint64 version = 0, startUs = 0;
    bool haveStartUs = false;
    std::optional<qint64> startFromText;
    QJsonObject extra;

    std::string_view key;
    std::string scratch;
    std::string_view raw;
    std::string_view badKey; // the first member of the wrong type (reported once the JSON is known good)
    using Token = JsonReader::Token;
    // Reads a member of type \a t; a value of another type is skipped and remembered.
    auto is = [&](Token t) {
        const Token got = r.peek();
        if (got == t || (t == Token::True && got == Token::False))
            return true;
        if (badKey.empty())
            badKey = key;
        r.skipValue();
        return false;
    };
    auto readInt = [&](auto& out) {
        if (is(Token::Number) && r.readNumber(raw) && !parseInteger(raw, out) && badKey.empty())
            badKey = key;
    };
    auto readStr = [&](std::string& out) {
        if (is(Token::String))
            readText(r, out);
    };
    while (!r.failed() && r.nextMember(key)) {
        if (key == "frame") {
            enc = Enc::Raw;
            haveFrame = true;
            readRaw(r, base, payload);
        } else if (key == "us") {
            readInt(us);
            haveUs = true;
        } else if (key == "seq") {
            readInt(seq);
            haveSeq = true;
        } else if (key == "gen") {
            readInt(gen);
            if (gen > 0xffff && badKey.empty())
                badKey = key;
        } else if (key == "dir") {
            if (is(Token::String) && r.readString(raw)) {
                sent = raw == "out";
                if (raw != "in" && raw != "out" && badKey.empty())
                    badKey = key;
            }
        } else if (key == "time") {
            if (is(Token::String) && r.readString(raw))
                timeText = raw; // parsed only when "us" is missing
        } else if (key == "text" || key == "base64") {
            enc = key == "text" ? Enc::Text : Enc::Base64;
            haveFrame = true;
            if (is(Token::String) && r.readString(raw)) {
                if (enc == Enc::Text && r.lastStringHadEscapes()) {
                    scratch = JsonReader::decodeString(raw);
                    raw = scratch;
                }
                payload = QByteArrayView(raw.data(), qsizetype(raw.size()));
            }
        } else if (key == "binary") {
            binary = r.peek() == Token::True;
            if (is(Token::True))
                r.skipValue();
        } else if (key == "meta") {
            readStr(metaType);
            haveMeta = true;
        } else if (key == "data") {
            if (is(Token::ObjectBegin))
                readObject(r, base, metaData);
        } else if (key == "format") {
            readStr(format);
            haveFormat = true;
        } else if (key == "version") {
            readInt(version);
        } else if (key == "app") {
            readStr(app);
        } else if (key == "url") {
            readStr(url);
        } else if (key == "server") {
            readStr(server);
        } else if (key == "login") {
            readStr(login);
        } else if (key == "start_us") {
            readInt(startUs);
            haveStartUs = true;
        } else if (key == "start") {
            if (is(Token::String) && r.readString(raw))
                startFromText = parseIsoTimeUs(QByteArrayView(raw.data(), qsizetype(raw.size())));
        } else if (key == "extra") {
            if (is(Token::ObjectBegin))
                readObject(r, base, extra);
        } else {
            r.skipValue(); // later versions' additions
        }
    }
    if (r.failed() || !r.finish())
        return fail(DecodeError::NotJson, tr("not valid JSON"));
    if (!badKey.empty() && !(haveFormat && badKey == "version"))
        return fail(DecodeError::BadField,
            tr("the field \"%1\" has an invalid value")
                .arg(QString::fromUtf8(badKey.data(), qsizetype(badKey.size()))));
    const bool haveVersion = haveFormat && badKey != "version" && version >= 1;

    if (haveFormat) {
        if (format != FormatName)
            return fail(DecodeError::NotARecording,
                tr("the header names the format \"%1\", not \"%2\"")
                    .arg(toQString(format), QLatin1String(FormatName)));
        if (!haveVersion || version < 1)
            return fail(DecodeError::BadField, tr("the header has no valid format version"));
        if (version > FormatVersion)
            return fail(DecodeError::NewerVersion,
                tr("written by a newer Baserow Monitor (recording format version %1; this version reads up "
                   "to %2): please update Baserow Monitor")
                    .arg(version)
                    .arg(FormatVersion));
        header = Header();
        header.version = int(version);
        header.appVersion = toQString(app);
        header.backendUrl = toQString(url);
        header.serverVersion = toQString(server);
        header.startUs = haveStartUs ? startUs : startFromText.value_or(0);
        header.login = toQString(login);
        header.extra = extra;
        isHeader = true;
        return DecodeError::None;
    }
    if (haveFrame == haveMeta)
        return fail(DecodeError::BadField,
            haveFrame ? tr("a line cannot be both a frame and a meta event")
                      : tr("neither a header, a frame nor a meta event"));
    if (!haveUs && timeText.data()) {
        const auto t = parseIsoTimeUs(QByteArrayView(timeText.data(), qsizetype(timeText.size())));
        haveTime = t.has_value();
        timeFromText = t.value_or(0);
    }
    if (!haveUs && !haveTime)
        return fail(DecodeError::BadField, tr("the line has no time"));
    if (!haveSeq)
        return fail(DecodeError::BadField, tr("the line has no sequence number"));

    line.timeUs = haveUs ? us : timeFromText;
    line.seq = seq;
    line.direction = sent ? Direction::Sent : Direction::Received;
    line.generation = quint16(gen);
    if (haveMeta) {
        line.kind = Line::Kind::Meta;
        line.metaType = toQString(metaType);
        line.meta = metaData;
        line.frame.resize(0);
        line.binary = false;
        return DecodeError::None;
    }
    line.kind = Line::Kind::Frame;
    line.binary = binary;
    line.metaType.clear();
    line.meta = QJsonObject();
    if (enc == Enc::Base64) {
        auto decoded
            = QByteArray::fromBase64Encoding(payload.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(DecodeError::BadField, tr("the field \"base64\" is not valid base64"));
        line.frame = std::move(*decoded);
    } else {
        // resize() keeps the capacity: a reader decoding millions of lines reuses one buffer.
        line.frame.resize(payload.size());
        if (!payload.isEmpty())
            std::memcpy(line.frame.data(), payload.data(), size_t(payload.size()));
    }
    return DecodeError::None;
}

bool decodeWrittenFrameLine(QByteArrayView text, FrameRef& out)
{
    // {"time":"2026-01-01T00:00:00.000050Z","us":N,"seq":N,"dir":"in","gen":N,"frame":…}
    const char* p = text.data();
    const char* end = p + text.size();
    auto literal = [&](std::string_view s) {
        if (end - p < qsizetype(s.size()) || std::memcmp(p, s.data(), s.size()) != 0)
            return false;
        p += s.size();
        return true;
    };
    auto number = [&](auto& v) {
        const auto r = std::from_chars(p, end, v);
        if (r.ec != std::errc() || r.ptr == p)
            return false;
        p = r.ptr;
        return true;
    };
    if (!literal(R"({"time":")") || end - p < 28)
        return false;
    // The time text is not needed ("us" is exact) but must be what a writer puts there.
    static constexpr char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ\"";
    for (int i = 0; i < 28; ++i) {
        const char c = p[i];
        if (shape[i] == 'd' ? (c < '0' || c > '9') : c != shape[i])
            return false;
    }
    p += 28;
    quint64 gen = 0;
    if (!literal(R"(,"us":)") || !number(out.timeUs) || !literal(R"(,"seq":)") || !number(out.seq))
        return false;
    if (literal(R"(,"dir":"in")"))
        out.direction = Direction::Received;
    else if (literal(R"(,"dir":"out")"))
        out.direction = Direction::Sent;
    else
        return false;
    if (!literal(R"(,"gen":)") || !number(gen) || gen > 0xffff || !literal(R"(,"frame":)"))
        return false;
    out.generation = quint16(gen);
    const char* last = end;
    while (last > p && isJsonSpace(last[-1]))
        --last;
    if (last - p < 2 || last[-1] != '}')
        return false;
    out.frame = QByteArrayView(p, last - 1 - p);
    return true;
}

Decoded decodeLine(QByteArrayView text)
{
    Decoded result;
    Line line;
    Header header;
    bool isHeader = false;
    result.error = decodeLineInto(text, line, header, isHeader, &result.errorText);
    if (result.error != DecodeError::None)
        return result;
    if (isHeader)
        result.header = std::move(header);
    else
        result.line = std::move(line);
    return result;
}

} // namespace bmon::recording
