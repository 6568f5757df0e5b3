// SPDX-License-Identifier: MIT
// A million stored events of the simulator's mix: memory per event, and how long the stream's
// filters take over all of them (FilterRunner, wall time until its result arrives on the event
// loop, as the GUI sees it).
//
// Frames are generated in the shapes of the fixtures (../shared/baserow/fixtures) and of the
// simulator's traffic (lib/sim/trafficgenerator.cpp: 55 % single-row updates, 12 % creates,
// 8 % deletes, moves, batch updates, comments, view/field/table changes, row history), with the
// simulator's tables (Customers 21 with seven fields, Contacts, Deals, Campaigns, Leads), its
// company and person names (some non-ASCII, escaped as Python's json.dumps does) and Python's
// separators (", " and ": "). They go through Ingest like live frames.
//
// Prints a table and writes JSON (--out FILE). Targets from issue 3: bytes per event at most
// 1.3 × mean payload + 48; a type or table filter under 100 ms; a text search under 1 s; a
// regular expression under 3 s.
#include "core/eventfilter.h"
#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"
#include "models/eventlistmodel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>

using namespace bmon;

namespace {

const char* const kCompanies[] = {"Initech", "Umbrella Corp", "Globex Corporation", "Soylent Industries",
    "Hooli", "Vandelay Industries", "Stark Logistics", "Wayne Analytics", "Cyberdyne Systems", "Tyrell Labs",
    "Wonka Foods", "Acme Tools", "Massive Dynamic", "Aperture Science", "Gringotts Finance", "Oscorp Energy",
    "Pied Piper", "Dunder Mifflin", "Prestige Worldwide", "Monarch Solutions", "Nakatomi Trading",
    "Blue Sun Retail", "Virtucon", "Sterling Cooper", "Bluth Company", "Krusty Brands", "Planet Express",
    "Ollivander Supply", "Gekko & Co", "Duff Breweries", "Zorg Industries", "Rekall Travel",
    "Veidt Enterprises", "Spacely Sprockets", "Cogswell Cogs", "Kramerica", "Paper Street Soap",
    "Los Pollos Hermanos", "Yoyodyne", "Ajax Freight"};
const char* const kSuffixes[] = {"", " GmbH", " Ltd", " BV", " Inc", " SA", " AB", " Oy"};
const char* const kFirstNames[] = {"Ada", "Bram", "Chloé", "Dmitri", "Eva", "Farah", "Gustav", "Hana", "Ivo",
    "Jasmin", "Kofi", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma",
    "Viktor", "Wen", "Yara", "Zoë"};
const char* const kLastNames[] = {"Janssen", "Müller", "Okafor", "Rossi", "Nakamura", "Silva", "Novak",
    "Andersen", "García", "Kowalski", "Dubois", "Haddad", "Lindqvist", "Patel", "van Dijk", "O'Brien",
    "Horvath", "Schmidt", "Tanaka", "Moreau"};
const char* const kPhrases[] = {"Renewal due next month", "Asked for a discount on extra seats",
    "Prefers e-mail over phone", "Migrating from spreadsheets", "Needs SSO before Q3", "Happy with support",
    "Evaluating the premium plan", "Budget approved", "Waiting for legal review", "Called about the invoice",
    "Wants an on-site training", "Moved to the new office in Utrecht"};
const char* const kTiers[][3]
    = {{"9", "Gold", "yellow"}, {"10", "Silver", "light-gray"}, {"11", "Bronze", "brown"}};
const char* const kStages[][3] = {{"12", "Lead", "light-blue"}, {"13", "Qualified", "blue"},
    {"14", "Proposal", "orange"}, {"15", "Won", "green"}, {"16", "Lost", "red"}};
const char* const kChannels[][3]
    = {{"17", "Email", "blue"}, {"18", "Social", "green"}, {"19", "Events", "orange"}};

enum class Kind
{
    Company,
    Person,
    Title,
    Number,
    Amount,
    Bool,
    Tier,
    Stage,
    Channel,
    Sentence,
    Date,
    Email,
    Link
};

struct Field
{
    int id;
    Kind kind;
};

struct Table
{
    int id;
    int rows;
    std::vector<Field> fields;
};

// The simulator's tables (lib/sim/simdata.cpp).
const std::vector<Table> kTables = {
    {21, 180,
        {{101, Kind::Company}, {102, Kind::Number}, {103, Kind::Bool}, {104, Kind::Tier},
            {105, Kind::Sentence}, {106, Kind::Date}, {107, Kind::Link}}},
    {22, 220, {{201, Kind::Person}, {202, Kind::Email}, {203, Kind::Link}}},
    {23, 120,
        {{301, Kind::Title}, {302, Kind::Amount}, {303, Kind::Stage}, {304, Kind::Date}, {305, Kind::Link}}},
    {31, 60,
        {{401, Kind::Title}, {402, Kind::Channel}, {403, Kind::Amount}, {404, Kind::Date},
            {405, Kind::Bool}}},
    {32, 150,
        {{501, Kind::Person}, {502, Kind::Email}, {503, Kind::Number}, {504, Kind::Link}, {505, Kind::Bool}}},
};

//! Python's json.dumps: ", " and ": " separators, every non-ASCII character as \uXXXX.
class PyWriter
{
public:
    QByteArray out;

    PyWriter() { out.reserve(4096); }
    void open() { out += '"'; }
    void close() { out += '"'; }
    //! Appends UTF-8 text inside an open string, escaped.
    void piece(const char* utf8)
    {
        for (const auto* p = reinterpret_cast<const unsigned char*>(utf8); *p;) {
            const unsigned char c = *p;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out += char(c);
                ++p;
                continue;
            }
            char32_t cp = c;
            int len = 1;
            if (c >= 0xf0) {
                cp = c & 0x07;
                len = 4;
            } else if (c >= 0xe0) {
                cp = c & 0x0f;
                len = 3;
            } else if (c >= 0xc0) {
                cp = c & 0x1f;
                len = 2;
            }
            for (int i = 1; i < len; ++i)
                cp = (cp << 6) | (p[i] & 0x3f);
            p += len;
            if (c == '"' || c == '\\') {
                out += '\\';
                out += char(c);
            } else if (cp >= 0x10000) {
                cp -= 0x10000;
                escape(0xd800 + (cp >> 10));
                escape(0xdc00 + (cp & 0x3ff));
            } else {
                escape(unsigned(cp));
            }
        }
    }
    void str(const char* utf8)
    {
        open();
        piece(utf8);
        close();
    }
    void raw(const char* s) { out += s; }
    void num(qint64 v) { out += QByteArray::number(v); }

private:
    void escape(unsigned u)
    {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04x", u & 0xffffu);
        out += buf;
    }
};

class Mix
{
public:
    explicit Mix(quint64 seed) : m_rng(seed) { }

    QByteArray next()
    {
        const int roll = int(m_rng() % 100);
        if (roll < 55)
            return rowsUpdated(pickTable(), 1, false);
        if (roll < 67)
            return rowsCreated(pickTable());
        if (roll < 75)
            return rowsDeleted(pickTable());
        if (roll < 80)
            return rowsUpdated(pickTable(), 1, true);
        if (roll < 85)
            return rowsUpdated(pickTable(), 2 + int(m_rng() % 9), false);
        if (roll < 88)
            return comment(pickTable());
        if (roll < 92)
            return viewChange();
        if (roll < 94)
            return fieldChange();
        if (roll < 96)
            return rename();
        return rowHistory(pickTable());
    }

private:
    template<typename T, size_t N>
    const T& pick(const T (&list)[N])
    {
        return list[m_rng() % N];
    }
    int uniform(int lo, int hi) { return lo + int(m_rng() % quint64(hi - lo + 1)); }

    const Table& pickTable()
    {
        if (m_rng() % 2 == 0)
            return kTables[0];
        return kTables[m_rng() % kTables.size()];
    }
    void company(PyWriter& w)
    {
        w.piece(pick(kCompanies));
        w.piece(pick(kSuffixes));
    }
    void person(PyWriter& w)
    {
        w.piece(pick(kFirstNames));
        w.piece(" ");
        w.piece(pick(kLastNames));
    }
    void printf(PyWriter& w, const char* format, int a, int b = 0, int c = 0)
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, format, a, b, c);
        w.str(buf);
    }

    void order(PyWriter& w, qint64 id) { printf(w, "%d.00000000000000000000", int(id)); }

    void option(PyWriter& w, const char* const (&o)[3])
    {
        w.raw("{\"id\": ");
        w.raw(o[0]);
        w.raw(", \"value\": ");
        w.str(o[1]);
        w.raw(", \"color\": ");
        w.str(o[2]);
        w.raw("}");
    }

    void value(PyWriter& w, Kind kind)
    {
        switch (kind) {
        case Kind::Company:
            w.open();
            company(w);
            return w.close();
        case Kind::Person:
            w.open();
            person(w);
            return w.close();
        case Kind::Title:
            w.open();
            w.piece("Renewal – ");
            company(w);
            return w.close();
        case Kind::Number:
            return printf(w, "%d", uniform(1, 500));
        case Kind::Amount:
            return printf(w, "%d.%02d", uniform(5, 25000), uniform(0, 99));
        case Kind::Bool:
            return w.raw(m_rng() % 10 < 6 ? "true" : "false");
        case Kind::Tier:
            return m_rng() % 10 == 0 ? w.raw("null") : option(w, pick(kTiers));
        case Kind::Stage:
            return option(w, pick(kStages));
        case Kind::Channel:
            return option(w, pick(kChannels));
        case Kind::Sentence:
            return m_rng() % 10 < 3 ? w.raw("null") : w.str(pick(kPhrases));
        case Kind::Date:
            return m_rng() % 10 == 0
                ? w.raw("null")
                : printf(w, "%d-%02d-%02d", uniform(2025, 2027), uniform(1, 12), uniform(1, 28));
        case Kind::Email: {
            QByteArray name = QByteArray(pick(kFirstNames)) + '.' + QByteArray(pick(kLastNames));
            name = name.toLower().replace(' ', '.');
            w.open();
            w.piece(name.constData());
            w.piece("@example.com");
            return w.close();
        }
        case Kind::Link: {
            w.raw("[");
            const int n = int(m_rng() % 3);
            for (int i = 0; i < n; ++i) {
                const qint64 id = uniform(1, 150);
                w.raw(i ? ", {\"id\": " : "{\"id\": ");
                w.num(id);
                w.raw(", \"value\": ");
                w.open();
                person(w);
                w.close();
                w.raw(", \"order\": ");
                order(w, id);
                w.raw("}");
            }
            return w.raw("]");
        }
        }
    }

    // A whole row as Baserow serializes it: id, order, then every field.
    void row(PyWriter& w, const Table& t, qint64 id, qint64 orderId)
    {
        w.raw("{\"id\": ");
        w.num(id);
        w.raw(", \"order\": ");
        order(w, orderId);
        for (const Field& f : t.fields) {
            w.raw(", \"field_");
            w.num(f.id);
            w.raw("\": ");
            value(w, f.kind);
        }
        w.raw("}");
    }

    void head(PyWriter& w, const char* type, int table)
    {
        w.raw("{\"type\": \"");
        w.raw(type);
        w.raw("\", \"table_id\": ");
        w.num(table);
    }

    QByteArray rowsUpdated(const Table& t, int count, bool move)
    {
        std::vector<qint64> ids;
        for (int i = 0; i < count; ++i)
            ids.push_back(uniform(1, t.rows));
        PyWriter w;
        head(w, "rows_updated", t.id);
        w.raw(", \"rows_before_update\": [");
        for (size_t i = 0; i < ids.size(); ++i) {
            if (i)
                w.raw(", ");
            row(w, t, ids[i], ids[i]);
        }
        w.raw("], \"rows\": [");
        for (size_t i = 0; i < ids.size(); ++i) {
            if (i)
                w.raw(", ");
            row(w, t, ids[i], move ? uniform(1, t.rows) : ids[i]);
        }
        w.raw("], \"metadata\": {}, \"updated_field_ids\": [");
        if (!move) {
            const int n = 1 + int(m_rng() % 3);
            for (int i = 0; i < n; ++i) {
                if (i)
                    w.raw(", ");
                w.num(t.fields[size_t(uniform(0, int(t.fields.size()) - 1))].id);
            }
        }
        w.raw("]}");
        return w.out;
    }

    QByteArray rowsCreated(const Table& t)
    {
        const qint64 id = t.rows + uniform(1, 100000);
        PyWriter w;
        head(w, "rows_created", t.id);
        w.raw(", \"rows\": [");
        row(w, t, id, id);
        w.raw("], \"metadata\": {}, \"before_row_id\": null}");
        return w.out;
    }

    QByteArray rowsDeleted(const Table& t)
    {
        const qint64 id = uniform(1, t.rows);
        PyWriter w;
        head(w, "rows_deleted", t.id);
        w.raw(", \"row_ids\": [");
        w.num(id);
        w.raw("], \"rows\": [");
        row(w, t, id, id);
        w.raw("]}");
        return w.out;
    }

    QByteArray comment(const Table& t)
    {
        PyWriter w;
        w.raw("{\"type\": \"row_comment_created\", \"row_comment\": {\"id\": ");
        w.num(uniform(1, 100000));
        w.raw(", \"user_id\": ");
        w.num(uniform(100, 103));
        w.raw(", \"first_name\": ");
        w.str(pick(kFirstNames));
        w.raw(", \"table_id\": ");
        w.num(t.id);
        w.raw(", \"row_id\": ");
        w.num(uniform(1, t.rows));
        w.raw(", \"message\": {\"type\": \"doc\", \"content\": [{\"type\": \"paragraph\", \"content\": "
              "[{\"type\": \"text\", "
              "\"text\": ");
        w.str(pick(kPhrases));
        w.raw("}]}]}, \"created_on\": \"2025-10-08T14:01:12.771933Z\", \"updated_on\": "
              "\"2025-10-08T14:01:12.771960Z\", "
              "\"edited\": false, \"trashed\": false}}");
        return w.out;
    }

    QByteArray rowHistory(const Table& t)
    {
        const Field& f = t.fields[size_t(uniform(1, int(t.fields.size()) - 1))];
        PyWriter w;
        w.raw("{\"type\": \"row_history_updated\", \"row_history_entry\": {\"id\": ");
        w.num(uniform(1, 100000));
        w.raw(", \"action_type\": \"update_rows\", \"action_command_type\": \"DO\", \"user\": {\"id\": ");
        w.num(uniform(100, 103));
        w.raw(", \"name\": ");
        w.open();
        person(w);
        w.close();
        w.raw("}, \"timestamp\": \"2025-10-08T13:46:27.512340Z\", \"before\": {\"field_");
        w.num(f.id);
        w.raw("\": ");
        value(w, f.kind);
        w.raw("}, \"after\": {\"field_");
        w.num(f.id);
        w.raw("\": ");
        value(w, f.kind);
        w.raw("}, \"fields_metadata\": {\"field_");
        w.num(f.id);
        w.raw("\": {\"id\": ");
        w.num(f.id);
        w.raw(", \"type\": \"text\"}}}, \"table_id\": ");
        w.num(t.id);
        w.raw(", \"row_id\": ");
        w.num(uniform(1, t.rows));
        w.raw("}");
        return w.out;
    }

    QByteArray viewChange()
    {
        PyWriter w;
        const int view = uniform(55, 60);
        switch (m_rng() % 3) {
        case 0:
            w.raw("{\"type\": \"view_updated\", \"view_id\": ");
            w.num(view);
            w.raw(", \"view\": {\"id\": ");
            w.num(view);
            w.raw(", \"table_id\": 21, \"name\": ");
            printf(w, "View %d", uniform(1, 99));
            w.raw(
                ", \"order\": 1, \"type\": \"grid\", \"table\": {\"id\": 21, \"name\": \"Customers\", "
                "\"order\": 1, "
                "\"database_id\": 12}, \"filter_type\": \"AND\", \"filters_disabled\": false, "
                "\"public_view_has_password\": false, \"show_logo\": true, \"allow_public_export\": false, "
                "\"ownership_type\": \"collaborative\", \"owned_by_id\": 3, \"row_identifier_type\": \"id\", "
                "\"row_height_size\": \"small\", \"public\": false, \"slug\": \"Xq3xk0Zr9m8T1d2Ww5LhYQ\"}}");
            break;
        case 1:
            w.raw("{\"type\": \"view_filter_created\", \"view_filter\": {\"id\": ");
            w.num(uniform(70, 900));
            w.raw(", \"view\": ");
            w.num(view);
            w.raw(", \"field\": 103, \"type\": \"boolean\", \"value\": \"1\", \"preload_values\": {}, "
                  "\"group\": null}}");
            break;
        default:
            w.raw("{\"type\": \"view_field_options_updated\", \"view_id\": ");
            w.num(view);
            w.raw(", \"field_options\": {\"101\": {\"width\": 200, \"hidden\": false, \"order\": 32767, "
                  "\"aggregation_type\": \"\", \"aggregation_raw_type\": \"\"}, \"102\": {\"width\": ");
            w.num(uniform(100, 300));
            w.raw(", \"hidden\": false, \"order\": 32767, \"aggregation_type\": \"sum\", "
                  "\"aggregation_raw_type\": \"sum\"}}}");
        }
        return w.out;
    }

    QByteArray fieldChange()
    {
        PyWriter w;
        w.raw("{\"type\": \"field_updated\", \"field_id\": 105, \"field\": {\"id\": 105, \"table_id\": 21, "
              "\"name\": ");
        w.str(m_rng() % 2 ? "Notes" : "Internal notes");
        w.raw(", \"order\": 5, \"type\": \"long_text\", \"primary\": false, \"read_only\": false, "
              "\"immutable_type\": false, "
              "\"immutable_properties\": false, \"description\": null, \"database_id\": 12, "
              "\"workspace_id\": 7, "
              "\"db_index\": false, \"field_constraints\": [], \"long_text_enable_rich_text\": false}, "
              "\"related_fields\": []}");
        return w.out;
    }

    QByteArray rename()
    {
        PyWriter w;
        const Table& t = kTables[m_rng() % kTables.size()];
        w.raw("{\"type\": \"table_updated\", \"table_id\": ");
        w.num(t.id);
        w.raw(", \"table\": {\"id\": ");
        w.num(t.id);
        w.raw(", \"name\": ");
        printf(w, "Table %d", uniform(1, 999));
        w.raw(", \"order\": 1, \"database_id\": ");
        w.num(t.id < 30 ? 12 : 15);
        w.raw(", \"data_sync\": null}, \"force_table_refresh\": false}");
        return w.out;
    }

    std::mt19937_64 m_rng;
};

struct Scan
{
    qint64 ms = 0;
    qint64 cpuMs = 0; //!< CPU time of the whole process meanwhile (all scan threads)
    qsizetype matches = 0;
};

qint64 processCpuNs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Wall time from start() until finished() is delivered on this thread's event loop; the best of
// three (the machine is shared: the CPU time says how much work it was).
Scan timeScan(FilterRunner& runner, const EventStore& store, const EventFilter& filter, int rounds)
{
    Scan best {std::numeric_limits<qint64>::max(), 0, 0};
    for (int round = 0; round < rounds; ++round) {
        QEventLoop loop;
        qsizetype matches = -1;
        const auto c = QObject::connect(
            &runner, &FilterRunner::finished, &loop, [&](quint64, const QVector<quint64>& rows, quint64) {
                matches = rows.size();
                loop.quit();
            });
        QElapsedTimer timer;
        const qint64 cpu = processCpuNs();
        timer.start();
        runner.start(store, filter, store.count());
        loop.exec();
        const qint64 ms = timer.elapsed();
        const qint64 cpuMs = (processCpuNs() - cpu) / 1'000'000;
        QObject::disconnect(c);
        if (ms < best.ms)
            best = Scan {ms, cpuMs, matches};
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Baserow Monitor store and filter benchmark"));
    parser.addHelpOption();
    QCommandLineOption outOption(QStringLiteral("out"),
        QStringLiteral("Write the results as JSON to <file>."), QStringLiteral("file"),
        QStringLiteral("bench_store.json"));
    QCommandLineOption eventsOption(QStringLiteral("events"),
        QStringLiteral("Number of events (default 1000000)."), QStringLiteral("n"),
        QStringLiteral("1000000"));
    QCommandLineOption roundsOption(QStringLiteral("rounds"),
        QStringLiteral("Runs of each scan; the best counts (default 3)."), QStringLiteral("n"),
        QStringLiteral("3"));
    parser.addOption(outOption);
    parser.addOption(eventsOption);
    parser.addOption(roundsOption);
    parser.process(app);
    const quint64 n = parser.value(eventsOption).toULongLong();
    const int rounds = qMax(1, parser.value(roundsOption).toInt());

    // 1. The store.
    EventStore store;
    Ingest ingest(store);
    Mix mix(20261127);
    QElapsedTimer timer;
    timer.start();
    qint64 t = 1'767'225'600'000'000LL;
    for (quint64 i = 0; i < n; ++i) {
        ingest.ingestUtf8(mix.next(), Direction::Received, t);
        t += 50; // 20,000 events per second
    }
    const qint64 buildMs = timer.elapsed();
    if (ingest.errorCount() > 0) {
        std::fprintf(stderr, "bench_store: %llu generated frames are not valid JSON\n",
            static_cast<unsigned long long>(ingest.errorCount()));
        return 1;
    }
    const double meanPayload = double(store.payloadBytes()) / double(n);
    const double bytesPerEvent = double(store.allocatedBytes()) / double(n);
    const double bytesTarget = 1.3 * meanPayload + 48;

    // 2. Filters.
    FilterRunner runner;
    EventFilter byType;
    byType.types = {KnownType::RowsCreated};
    EventFilter byTable;
    byTable.tableIds = {23};
    EventFilter byText;
    byText.text = QStringLiteral("Vandelay");
    EventFilter byNonAscii;
    byNonAscii.text = QStringLiteral("Müller");
    EventFilter byRegex; // literals the matcher can look for before decoding
    byRegex.regex = QStringLiteral("^(Initech|Hooli)( (GmbH|Ltd))?$");
    EventFilter byOpaqueRegex; // none: every frame is decoded and matched
    byOpaqueRegex.regex = QStringLiteral("^\\d{4}\\.\\d{2}$");
    const Scan type = timeScan(runner, store, byType, rounds);
    const Scan table = timeScan(runner, store, byTable, rounds);
    const Scan text = timeScan(runner, store, byText, rounds);
    const Scan nonAscii = timeScan(runner, store, byNonAscii, rounds);
    const Scan regex = timeScan(runner, store, byRegex, rounds);
    const Scan opaque = timeScan(runner, store, byOpaqueRegex, rounds);

    // 3. Scrolling: summaries are rendered on demand through a bounded cache.
    EventListModel model;
    model.setStore(&store);
    timer.restart();
    const int rendered = 20000;
    for (int r = 0; r < rendered; ++r)
        model.index(int(n) - 1 - r, EventListModel::SummaryColumn).data();
    const double renderUs = double(timer.nsecsElapsed()) / 1000.0 / rendered;

    const qint64 filterMs = qMax(type.ms, table.ms);
    const qint64 searchMs = qMax(text.ms, nonAscii.ms);
    const qint64 regexMs = qMax(regex.ms, opaque.ms);
    QJsonObject result {
        {QStringLiteral("events"), qint64(n)},
        {QStringLiteral("threads"), QThread::idealThreadCount()},
        {QStringLiteral("cpu"), QSysInfo::currentCpuArchitecture()},
        {QStringLiteral("build_store_ms"), buildMs},
        {QStringLiteral("mean_payload_bytes"), meanPayload},
        {QStringLiteral("store_bytes_per_event"), bytesPerEvent},
        {QStringLiteral("store_target_bytes_per_event"), bytesTarget},
        {QStringLiteral("filter_type_ms"), type.ms},
        {QStringLiteral("filter_type_cpu_ms"), type.cpuMs},
        {QStringLiteral("filter_table_cpu_ms"), table.cpuMs},
        {QStringLiteral("search_ascii_cpu_ms"), text.cpuMs},
        {QStringLiteral("search_nonascii_cpu_ms"), nonAscii.cpuMs},
        {QStringLiteral("regex_cpu_ms"), regex.cpuMs},
        {QStringLiteral("filter_type_matches"), qint64(type.matches)},
        {QStringLiteral("filter_table_ms"), table.ms},
        {QStringLiteral("filter_table_matches"), qint64(table.matches)},
        {QStringLiteral("filter_1m_ms"), filterMs},
        {QStringLiteral("search_ascii_ms"), text.ms},
        {QStringLiteral("search_ascii_matches"), qint64(text.matches)},
        {QStringLiteral("search_nonascii_ms"), nonAscii.ms},
        {QStringLiteral("search_nonascii_matches"), qint64(nonAscii.matches)},
        {QStringLiteral("search_1m_ms"), searchMs},
        {QStringLiteral("regex_literal_ms"), regex.ms},
        {QStringLiteral("regex_opaque_ms"), opaque.ms},
        {QStringLiteral("regex_opaque_cpu_ms"), opaque.cpuMs},
        {QStringLiteral("regex_opaque_matches"), qint64(opaque.matches)},
        {QStringLiteral("regex_1m_ms"), regexMs},
        {QStringLiteral("regex_matches"), qint64(regex.matches)},
        {QStringLiteral("summary_render_us"), renderUs},
        {QStringLiteral("pass_store"), bytesPerEvent <= bytesTarget},
        {QStringLiteral("pass_filter"), filterMs < 100},
        {QStringLiteral("pass_search"), searchMs < 1000},
        {QStringLiteral("pass_regex"), regexMs < 3000},
    };

    std::printf("bench_store: %llu events of the simulator mix, %d threads\n",
        static_cast<unsigned long long>(n), QThread::idealThreadCount());
    std::printf("  build store          %8lld ms\n", static_cast<long long>(buildMs));
    std::printf("  mean payload         %8.1f bytes\n", meanPayload);
    std::printf("  store per event      %8.1f bytes   (target <= %.1f)  %s\n", bytesPerEvent, bytesTarget,
        bytesPerEvent <= bytesTarget ? "ok" : "MISSED");
    std::printf("  scans: wall ms until the result arrives [CPU ms of all threads]\n");
    const auto line = [](const char* what, const Scan& s, const char* target, bool ok) {
        std::printf("  %-22s %6lld ms [%5lld] %8lld rows  %s %s\n", what, static_cast<long long>(s.ms),
            static_cast<long long>(s.cpuMs), static_cast<long long>(s.matches), target,
            *target ? (ok ? "ok" : "MISSED") : "");
    };
    line("type filter", type, "(< 100 ms)", type.ms < 100);
    line("table filter", table, "(< 100 ms)", table.ms < 100);
    line("text \"Vandelay\"", text, "(< 1000 ms)", text.ms < 1000);
    line("text \"M\u00fcller\"", nonAscii, "(< 1000 ms)", nonAscii.ms < 1000);
    line("regex, literals", regex, "(< 3000 ms)", regex.ms < 3000);
    line("regex, no literal", opaque, "(< 3000 ms)", opaque.ms < 3000);
    std::printf("  summary render       %8.1f us per row (uncached)\n", renderUs);

    QFile out(parser.value(outOption));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(out.fileName()));
        return 1;
    }
    out.write(QJsonDocument(result).toJson());
    return 0;
}
