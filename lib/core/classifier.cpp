// SPDX-License-Identifier: MIT
#include "core/classifier.h"

#include "core/jsonreader.h"
#include "core/messagetypes.h"

#include <QCoreApplication>

#include <cstring>
#include <memory>
#include <string>

#if BMON_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace bmon {

namespace {

// Keys the classifier looks at, at the top level and inside the few objects that carry scope.
enum class Key : quint8
{
    Other,
    Type,
    TableId,
    WorkspaceId,
    GroupId,
    DatabaseId,
    ApplicationId,
    ViewId,
    GridViewId,
    FieldId,
    RowId,
    RowIds,
    Rows,
    Row,
    DashboardId,
    BuilderId,
    AutomationId,
    Page,
    RemovePage,
    Parameters,
    Slug,
    Field,
    View,
    Table,
    Application,
    Workspace,
    Group,
    ViewChild, // view_filter, view_sort, view_group_by, view_decoration, view_filter_group
    RowComment,
    Widget,
    DataSource,
    Rule,
    WorkspaceUser,
    GroupUser,
    Invitation,
    Order,
    Workflow,
    Id,
};

Key keyOf(std::string_view k)
{
    switch (k.size()) {
    case 2:
        if (k == "id")
            return Key::Id;
        break;
    case 3:
        if (k == "row")
            return Key::Row;
        break;
    case 4:
        if (k == "type")
            return Key::Type;
        if (k == "rows")
            return Key::Rows;
        if (k == "page")
            return Key::Page;
        if (k == "view")
            return Key::View;
        if (k == "slug")
            return Key::Slug;
        if (k == "rule")
            return Key::Rule;
        break;
    case 5:
        if (k == "field")
            return Key::Field;
        if (k == "table")
            return Key::Table;
        if (k == "group")
            return Key::Group;
        if (k == "order")
            return Key::Order;
        break;
    case 6:
        if (k == "row_id")
            return Key::RowId;
        if (k == "widget")
            return Key::Widget;
        break;
    case 7:
        if (k == "view_id")
            return Key::ViewId;
        if (k == "row_ids")
            return Key::RowIds;
        break;
    case 8:
        if (k == "table_id")
            return Key::TableId;
        if (k == "field_id")
            return Key::FieldId;
        if (k == "group_id")
            return Key::GroupId;
        if (k == "workflow")
            return Key::Workflow;
        break;
    case 9:
        if (k == "workspace")
            return Key::Workspace;
        if (k == "view_sort")
            return Key::ViewChild;
        break;
    case 10:
        if (k == "builder_id")
            return Key::BuilderId;
        if (k == "parameters")
            return Key::Parameters;
        if (k == "group_user")
            return Key::GroupUser;
        if (k == "invitation")
            return Key::Invitation;
        break;
    case 11:
        if (k == "database_id")
            return Key::DatabaseId;
        if (k == "remove_page")
            return Key::RemovePage;
        if (k == "application")
            return Key::Application;
        if (k == "row_comment")
            return Key::RowComment;
        if (k == "view_filter")
            return Key::ViewChild;
        if (k == "data_source")
            return Key::DataSource;
        break;
    case 12:
        if (k == "workspace_id")
            return Key::WorkspaceId;
        if (k == "grid_view_id")
            return Key::GridViewId;
        if (k == "dashboard_id")
            return Key::DashboardId;
        break;
    case 13:
        if (k == "automation_id")
            return Key::AutomationId;
        if (k == "view_group_by")
            return Key::ViewChild;
        break;
    case 14:
        if (k == "application_id")
            return Key::ApplicationId;
        if (k == "workspace_user")
            return Key::WorkspaceUser;
        break;
    case 15:
        if (k == "view_decoration")
            return Key::ViewChild;
        break;
    case 17:
        if (k == "view_filter_group")
            return Key::ViewChild;
        break;
    default:
        break;
    }
    return Key::Other;
}

// Everything one walk can find; resolved into the record afterwards by priority.
struct Found
{
    std::string_view type, page, slug; // decoded text
    std::string typeBuf, pageBuf, slugBuf; // storage when the fallback reader had to decode
    bool typeIsString = false, pageIsRemove = false;
    quint32 tableId = 0, workspaceId = 0, groupId = 0, databaseId = 0, applicationId = 0, viewId = 0,
            gridViewId = 0, fieldId = 0, rowId = 0, dashboardId = 0, builderId = 0, automationId = 0;
    quint32 paramTable = 0, paramRow = 0, paramDashboard = 0, paramView = 0;
    quint32 fieldObjId = 0, fieldTable = 0, fieldDatabase = 0, fieldWorkspace = 0;
    quint32 viewObjId = 0, viewTable = 0, viewDatabase = 0;
    quint32 tableObjId = 0, tableDatabase = 0;
    quint32 appId = 0, appWorkspace = 0;
    quint32 workspaceObj = 0, groupObj = 0;
    quint32 childView = 0, childField = 0;
    quint32 commentTable = 0, commentRow = 0;
    quint32 widgetDashboard = 0, ruleTable = 0, memberWorkspace = 0, invitationWorkspace = 0;
    quint32 pageBuilder = 0, workflowAutomation = 0;
    quint32 legacyRowId = 0;
    quint32 rowCount = 0;
    bool rowIdsSeen = false, rowsSeen = false;
    bool hashed = false, overflow = false;
};

enum class Kind : quint8
{
    Object,
    Array,
    String,
    Number,
    Other
};

#if BMON_HAVE_SIMDJSON
// A value of simdjson's (already fully validated) DOM. Strings come decoded; skipping is free.
class DomValue
{
public:
    explicit DomValue(simdjson::dom::element e) : m_e(e) { }
    Kind kind() const
    {
        switch (m_e.type()) {
        case simdjson::dom::element_type::OBJECT:
            return Kind::Object;
        case simdjson::dom::element_type::ARRAY:
            return Kind::Array;
        case simdjson::dom::element_type::STRING:
            return Kind::String;
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE:
            return Kind::Number;
        default:
            return Kind::Other;
        }
    }
    template<typename F>
    void members(F&& f)
    {
        simdjson::dom::object object;
        if (m_e.get_object().get(object))
            return;
        for (simdjson::dom::key_value_pair field : object) {
            DomValue v(field.value);
            f(field.key, v);
        }
    }
    template<typename F>
    void elements(F&& f)
    {
        simdjson::dom::array array;
        if (m_e.get_array().get(array))
            return;
        for (simdjson::dom::element element : array) {
            DomValue v(element);
            f(v);
        }
    }
    bool string(std::string_view& s, std::string&) { return !m_e.get_string().get(s); }
    //! Integer value: 1 = non-negative fits 64 bits, -1 = negative, 0 = not an integer.
    int integer(quint64& v) const
    {
        if (m_e.type() == simdjson::dom::element_type::UINT64) {
            uint64_t u = 0;
            if (m_e.get_uint64().get(u))
                return 0;
            v = quint64(u);
            return 1;
        }
        if (m_e.type() == simdjson::dom::element_type::INT64) {
            int64_t i = 0;
            if (m_e.get_int64().get(i))
                return 0;
            if (i < 0)
                return -1;
            v = quint64(i);
            return 1;
        }
        return 0;
    }
    void skip() { }

private:
    simdjson::dom::element m_e;
};
#endif

// A value at the JsonReader's position (the fallback and diagnostic path). Handlers either
// consume it or members()/elements() skip it for them.
class ReaderValue
{
public:
    explicit ReaderValue(JsonReader& r) : m_r(r) { }
    bool consumed() const { return m_consumed; }
    Kind kind()
    {
        switch (m_r.peek()) {
        case JsonReader::Token::ObjectBegin:
            return Kind::Object;
        case JsonReader::Token::ArrayBegin:
            return Kind::Array;
        case JsonReader::Token::String:
            return Kind::String;
        case JsonReader::Token::Number:
            return Kind::Number;
        default:
            return Kind::Other;
        }
    }
    template<typename F>
    void members(F&& f)
    {
        m_consumed = true;
        if (kind() != Kind::Object) {
            m_r.skipValue();
            return;
        }
        m_r.enterObject();
        std::string_view key;
        std::string decoded;
        while (m_r.nextMember(key)) {
            if (key.find('\\') != key.npos) {
                decoded = JsonReader::decodeString(key);
                key = decoded;
            }
            ReaderValue v(m_r);
            f(key, v);
            if (!v.consumed())
                m_r.skipValue();
        }
    }
    template<typename F>
    void elements(F&& f)
    {
        m_consumed = true;
        if (kind() != Kind::Array) {
            m_r.skipValue();
            return;
        }
        m_r.enterArray();
        while (m_r.nextElement()) {
            ReaderValue v(m_r);
            f(v);
            if (!v.consumed())
                m_r.skipValue();
        }
    }
    bool string(std::string_view& s, std::string& storage)
    {
        m_consumed = true;
        if (!m_r.readString(s))
            return false;
        if (m_r.lastStringHadEscapes()) {
            storage = JsonReader::decodeString(s);
            s = storage;
        }
        return true;
    }
    int integer(quint64& v)
    {
        m_consumed = true;
        std::string_view digits;
        if (!m_r.readNumber(digits) || digits.empty())
            return 0;
        const bool negative = digits[0] == '-';
        quint64 x = 0;
        for (size_t i = negative ? 1 : 0; i < digits.size(); ++i) {
            const char c = digits[i];
            if (c < '0' || c > '9')
                return 0; // a fraction or an exponent: not an id
            if (x > (~quint64(0) - 9) / 10)
                return negative ? -1 : 2; // beyond 64 bits
            x = x * 10 + quint64(c - '0');
        }
        if (negative)
            return x == 0 ? 0 : -1;
        v = x;
        return 1;
    }
    void skip()
    {
        m_consumed = true;
        m_r.skipValue();
    }

private:
    JsonReader& m_r;
    bool m_consumed = false;
};

// Collects what PROTOCOL.md §4 says identifies a message's scope, from either source.
template<typename V>
class Walker
{
public:
    Walker(Found& f, std::vector<quint32>& rows, quint32 maxRows) : m_f(f), m_rows(rows), m_maxRows(maxRows)
    { }

    void parseDigits(std::string_view s, quint32& out)
    {
        if (s.empty() || s.size() > 20)
            return;
        quint64 v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') {
                if (c == '-' && s.size() > 1)
                    m_f.overflow = true;
                return;
            }
            v = v * 10 + quint64(c - '0');
        }
        if (v > 0xffffffffull) {
            m_f.overflow = true;
            return;
        }
        out = quint32(v);
    }

    // An id: an integer, a numeric string, or a sha256 hash (flagged, never guessed).
    void id(V& v, quint32& out)
    {
        switch (v.kind()) {
        case Kind::String: {
            std::string_view s;
            if (!v.string(s, m_scratch))
                return;
            if (JsonReader::isSha256Hex(s))
                m_f.hashed = true;
            else
                parseDigits(s, out);
            return;
        }
        case Kind::Number: {
            quint64 x = 0;
            const int r = v.integer(x);
            if (r == 1 && x <= 0xffffffffull)
                out = quint32(x);
            else if (r != 0)
                m_f.overflow = true;
            return;
        }
        default:
            v.skip();
        }
    }

    // {"id": …} objects: reads "id" into \a out.
    void idOfObject(V& v, quint32& out)
    {
        v.members([&](std::string_view k, V& c) {
            if (k == "id")
                id(c, out);
        });
    }

    void pushRow(quint32 id)
    {
        if (m_rows.size() < m_maxRows)
            m_rows.push_back(id);
        ++m_f.rowCount;
    }

    void rowIdArray(V& v)
    {
        v.elements([&](V& e) {
            quint32 x = 0;
            id(e, x);
            if (x)
                pushRow(x);
        });
    }

    void rowObjectArray(V& v)
    {
        v.elements([&](V& e) {
            quint32 x = 0;
            idOfObject(e, x);
            if (x)
                pushRow(x);
        });
    }

    // "order": a list of ids, hashed since 1.14 (§4.2). Only the first entry decides.
    void orderArray(V& v)
    {
        bool first = true;
        v.elements([&](V& e) {
            if (first && e.kind() == Kind::String) {
                std::string_view s;
                if (e.string(s, m_scratch) && JsonReader::isSha256Hex(s))
                    m_f.hashed = true;
            }
            first = false;
        });
    }

    void text(V& v, std::string_view& out, std::string& storage)
    {
        if (v.kind() == Kind::String)
            v.string(out, storage);
        else
            v.skip();
    }

    void topLevel(Key k, V& v)
    {
        Found& f = m_f;
        switch (k) {
        case Key::Type:
            if (v.kind() == Kind::String)
                f.typeIsString = v.string(f.type, f.typeBuf);
            return;
        case Key::Page:
        case Key::RemovePage:
            if (v.kind() == Kind::String) {
                v.string(f.page, f.pageBuf);
                f.pageIsRemove = k == Key::RemovePage;
            } else if (k == Key::Page && v.kind() == Kind::Object) { // a builder page (page_created …)
                v.members([&](std::string_view c, V& x) {
                    if (keyOf(c) == Key::BuilderId)
                        id(x, f.pageBuilder);
                });
            }
            return;
        case Key::Slug:
            return text(v, f.slug, f.slugBuf);
        case Key::TableId:
            return id(v, f.tableId);
        case Key::WorkspaceId:
            return id(v, f.workspaceId);
        case Key::GroupId:
            return id(v, f.groupId);
        case Key::DatabaseId:
            return id(v, f.databaseId);
        case Key::ApplicationId:
            return id(v, f.applicationId);
        case Key::ViewId:
            if (v.kind() == Kind::String) { // a public view's slug (force_view_*)
                std::string_view s;
                if (v.string(s, f.slugBuf)) {
                    quint32 x = 0;
                    parseDigits(s, x);
                    if (x)
                        f.viewId = x;
                    else if (!s.empty())
                        f.slug = s;
                }
                return;
            }
            return id(v, f.viewId);
        case Key::GridViewId:
            return id(v, f.gridViewId);
        case Key::FieldId:
            return id(v, f.fieldId);
        case Key::RowId:
            return id(v, f.rowId);
        case Key::DashboardId:
            return id(v, f.dashboardId);
        case Key::BuilderId:
            return id(v, f.builderId);
        case Key::AutomationId:
            return id(v, f.automationId);
        case Key::RowIds:
            if (f.rowsSeen) { // row_ids wins over rows[].id
                m_rows.clear();
                f.rowCount = 0;
            }
            f.rowIdsSeen = true;
            return rowIdArray(v);
        case Key::Rows:
            if (f.rowIdsSeen)
                return;
            f.rowsSeen = true;
            return rowObjectArray(v);
        case Key::Row: // legacy singular row events (≤ 1.10)
            return idOfObject(v, f.legacyRowId);
        case Key::Parameters:
            return v.members([&](std::string_view c, V& x) {
                switch (keyOf(c)) {
                case Key::TableId:
                    return id(x, f.paramTable);
                case Key::RowId:
                    return id(x, f.paramRow);
                case Key::DashboardId:
                    return id(x, f.paramDashboard);
                case Key::ViewId:
                    return id(x, f.paramView);
                case Key::Slug:
                    return text(x, f.slug, f.slugBuf);
                default:
                    return;
                }
            });
        case Key::Field:
            return v.members([&](std::string_view c, V& x) {
                switch (keyOf(c)) {
                case Key::Id:
                    return id(x, f.fieldObjId);
                case Key::TableId:
                    return id(x, f.fieldTable);
                case Key::DatabaseId:
                    return id(x, f.fieldDatabase);
                case Key::WorkspaceId:
                    return id(x, f.fieldWorkspace);
                default:
                    return;
                }
            });
        case Key::View:
            return v.members([&](std::string_view c, V& x) {
                switch (keyOf(c)) {
                case Key::Id:
                    return id(x, f.viewObjId);
                case Key::TableId:
                    return id(x, f.viewTable);
                case Key::DatabaseId:
                    return id(x, f.viewDatabase);
                case Key::Table:
                    return x.members([&](std::string_view t, V& y) {
                        const Key tk = keyOf(t);
                        if (tk == Key::DatabaseId)
                            id(y, f.viewDatabase);
                        else if (tk == Key::Id && !f.viewTable)
                            id(y, f.viewTable);
                    });
                default:
                    return;
                }
            });
        case Key::Table:
            return v.members([&](std::string_view c, V& x) {
                const Key ck = keyOf(c);
                if (ck == Key::Id)
                    id(x, f.tableObjId);
                else if (ck == Key::DatabaseId)
                    id(x, f.tableDatabase);
            });
        case Key::Application:
            return v.members([&](std::string_view c, V& x) {
                const Key ck = keyOf(c);
                if (ck == Key::Id)
                    id(x, f.appId);
                else if (ck == Key::Workspace || ck == Key::Group)
                    idOfObject(x, f.appWorkspace);
            });
        case Key::Workspace:
            return v.kind() == Kind::Object ? idOfObject(v, f.workspaceObj) : void();
        case Key::Group:
            return v.kind() == Kind::Object ? idOfObject(v, f.groupObj) : void();
        case Key::ViewChild:
            return v.members([&](std::string_view c, V& x) {
                const Key ck = keyOf(c);
                if (ck == Key::View)
                    id(x, f.childView);
                else if (ck == Key::Field)
                    id(x, f.childField);
            });
        case Key::RowComment:
            return v.members([&](std::string_view c, V& x) {
                const Key ck = keyOf(c);
                if (ck == Key::TableId)
                    id(x, f.commentTable);
                else if (ck == Key::RowId)
                    id(x, f.commentRow);
            });
        case Key::Widget:
        case Key::DataSource:
            return v.members([&](std::string_view c, V& x) {
                if (keyOf(c) == Key::DashboardId)
                    id(x, f.widgetDashboard);
            });
        case Key::Rule:
            return v.members([&](std::string_view c, V& x) {
                if (keyOf(c) == Key::TableId)
                    id(x, f.ruleTable);
            });
        case Key::WorkspaceUser:
        case Key::GroupUser:
            return v.members([&](std::string_view c, V& x) {
                const Key ck = keyOf(c);
                if (ck == Key::Workspace || ck == Key::Group)
                    id(x, f.memberWorkspace);
            });
        case Key::Invitation:
            return v.members([&](std::string_view c, V& x) {
                if (keyOf(c) == Key::Workspace)
                    id(x, f.invitationWorkspace);
            });
        case Key::Workflow:
            return v.members([&](std::string_view c, V& x) {
                if (keyOf(c) == Key::AutomationId)
                    id(x, f.workflowAutomation);
            });
        case Key::Order:
            return orderArray(v);
        default:
            return;
        }
    }

private:
    Found& m_f;
    std::vector<quint32>& m_rows;
    quint32 m_maxRows;
    std::string m_scratch;
};

template<typename... T>
quint32 firstNonZero(T... v)
{
    quint32 result = 0;
    ((result == 0 ? (result = v) : 0), ...);
    return result;
}

void clearClassification(EventRecord& rec)
{
    rec.typeId = KnownType::None;
    rec.category = Category::Unknown;
    rec.workspaceId = rec.applicationId = rec.tableId = rec.viewId = rec.fieldId = 0;
    rec.rowRef = rec.rowCount = 0;
    rec.pageId = 0;
    rec.flags = 0;
}

// Fills the record from what the walk found.
void resolve(const Found& f, Direction direction, EventRecord& rec, std::vector<quint32>& rowIds)
{
    // Type: received frames name it; sent frames are page requests keyed by "page"/"remove_page".
    if (f.typeIsString && !f.type.empty())
        rec.typeId = TypeRegistry::instance().intern(f.type);
    else if (!f.typeIsString && f.page.data() && direction == Direction::Sent)
        rec.typeId = f.pageIsRemove ? KnownType::RemovePageRequest : KnownType::PageRequest;
    rec.setStatus(rec.typeId == KnownType::None ? ParseStatus::NoType : ParseStatus::Ok);
    rec.category = TypeRegistry::instance().category(rec.typeId);

    if (f.page.data() && !f.page.empty())
        rec.pageId = quint8(StringPool::pages().intern(f.page));

    // Scope, most specific source first (PROTOCOL.md §4 "scope keys", §5.1 tolerant rule).
    rec.workspaceId = firstNonZero(f.workspaceId, f.groupId, f.workspaceObj, f.groupObj, f.appWorkspace,
        f.fieldWorkspace, f.memberWorkspace, f.invitationWorkspace);
    rec.applicationId = firstNonZero(f.databaseId, f.applicationId, f.appId, f.fieldDatabase, f.tableDatabase,
        f.viewDatabase, f.dashboardId, f.paramDashboard, f.widgetDashboard, f.builderId, f.pageBuilder,
        f.automationId, f.workflowAutomation);
    rec.tableId = firstNonZero(
        f.tableId, f.paramTable, f.fieldTable, f.tableObjId, f.viewTable, f.commentTable, f.ruleTable);
    rec.viewId = firstNonZero(f.viewId, f.gridViewId, f.paramView, f.viewObjId, f.childView);
    if (!rec.viewId && f.slug.data() && !f.slug.empty()) {
        rec.viewId = StringPool::slugs().intern(f.slug);
        rec.flags |= RecordFlag::ViewIsSlug;
    }
    rec.fieldId = firstNonZero(f.fieldId, f.fieldObjId, f.childField);

    rec.rowCount = f.rowCount;
    if (rec.rowCount == 0) {
        if (const quint32 single = firstNonZero(f.rowId, f.legacyRowId, f.commentRow, f.paramRow)) {
            rowIds.push_back(single);
            rec.rowCount = 1;
        }
    }
    if (rec.rowCount > rowIds.size())
        rec.flags |= RecordFlag::RowIdsTruncated;
    if (f.hashed)
        rec.flags |= RecordFlag::HashedIds;
    if (f.overflow)
        rec.flags |= RecordFlag::IdOverflow;
}

// The validating pull reader: exact error positions, and the whole job where simdjson is absent.
void classifyWithReader(const char* data, qsizetype size, Direction direction, EventRecord& rec,
    std::vector<quint32>& rowIds, quint32 maxRowIds)
{
    JsonReader r(data, data + size);
    const auto top = r.peek();
    if (top == JsonReader::Token::End) {
        rec.setStatus(ParseStatus::EmptyFrame); // whitespace only
        return;
    }
    Found f;
    if (top != JsonReader::Token::ObjectBegin) {
        // Either valid JSON of another kind, or not JSON at all: tell them apart.
        if (r.skipValue() && r.finish()) {
            rec.setStatus(ParseStatus::NotAnObject);
            return;
        }
    } else {
        Walker<ReaderValue> w(f, rowIds, maxRowIds);
        ReaderValue root(r);
        root.members([&](std::string_view key, ReaderValue& v) { w.topLevel(keyOf(key), v); });
        r.finish();
    }
    if (!r.failed()) {
        if (const qsizetype bad = JsonReader::firstInvalidUtf8(data, size); bad >= 0) {
            rowIds.clear();
            rec.setStatus(ParseStatus::InvalidJson);
            rec.fieldId = quint32(JsonError::InvalidUtf8);
            rec.rowRef = quint32(qMin<qsizetype>(bad, 0xffffffff));
            return;
        }
        resolve(f, direction, rec, rowIds);
        return;
    }
    rowIds.clear();
    rec.setStatus(ParseStatus::InvalidJson);
    rec.fieldId = quint32(r.error());
    rec.rowRef = quint32(qMin<qsizetype>(r.errorOffset(), 0xffffffff));
}

#if BMON_HAVE_SIMDJSON
// One parser per thread; its buffers grow to the largest frame seen, so huge frames get a
// parser of their own that is freed afterwards.
constexpr size_t kReusedParserLimit = size_t(16) << 20;

// Nesting limit as JsonReader's, so both paths agree on what is too deep.
simdjson::dom::parser& threadParser()
{
    thread_local simdjson::dom::parser parser = [] {
        simdjson::dom::parser p(kReusedParserLimit);
        if (p.allocate(64 << 10, JsonReader::MaxDepth) != simdjson::SUCCESS)
            qWarning("simdjson: cannot preallocate the frame parser");
        return p;
    }();
    return parser;
}
#endif

} // namespace

void classifyFrame(const char* data, qsizetype size, Direction direction, EventRecord& rec,
    std::vector<quint32>& rowIds, quint32 maxRowIds, bool padded)
{
    rowIds.clear();
    clearClassification(rec);
    rec.setDirection(direction);
    if (size <= 0) {
        rec.setStatus(ParseStatus::EmptyFrame);
        return;
    }
#if BMON_HAVE_SIMDJSON
    // simdjson reads up to 64 bytes past the end; callers that cannot promise that get a copy.
    std::unique_ptr<char[]> copy;
    if (!padded) {
        copy.reset(new char[size_t(size) + simdjson::SIMDJSON_PADDING]);
        std::memcpy(copy.get(), data, size_t(size));
        data = copy.get();
    }
    std::unique_ptr<simdjson::dom::parser> ownParser;
    simdjson::dom::parser* parser = &threadParser();
    if (size_t(size) > kReusedParserLimit) {
        ownParser = std::make_unique<simdjson::dom::parser>(size_t(size));
        if (ownParser->allocate(size_t(size), JsonReader::MaxDepth) == simdjson::SUCCESS)
            parser = ownParser.get();
        else
            parser = nullptr; // out of memory for the index: the reader needs none
    }
    simdjson::dom::element root;
    if (!parser) {
        classifyWithReader(data, size, direction, rec, rowIds, maxRowIds);
        return;
    }
    if (!parser->parse(data, size_t(size), false).get(root)) {
        if (root.type() != simdjson::dom::element_type::OBJECT) {
            rec.setStatus(ParseStatus::NotAnObject);
            return;
        }
        Found f;
        Walker<DomValue> w(f, rowIds, maxRowIds);
        DomValue(root).members([&](std::string_view key, DomValue& v) { w.topLevel(keyOf(key), v); });
        resolve(f, direction, rec, rowIds);
        return;
    }
    // Malformed (or JSON simdjson declines, such as integers beyond 64 bits): the careful reader
    // says where and why, or classifies it after all.
    rowIds.clear();
#else
    Q_UNUSED(padded);
#endif
    classifyWithReader(data, size, direction, rec, rowIds, maxRowIds);
}

void classifyBinaryFrame(EventRecord& rec)
{
    rec.typeId = KnownType::None;
    rec.category = Category::Unknown;
    rec.workspaceId = rec.applicationId = rec.tableId = rec.viewId = rec.fieldId = 0;
    rec.rowRef = rec.rowCount = 0;
    rec.pageId = 0;
    rec.flags = 0;
    rec.setStatus(ParseStatus::BinaryFrame);
}

QString jsonErrorText(JsonError error)
{
    switch (error) {
    case JsonError::None:
        break;
    case JsonError::UnexpectedEnd:
        return QCoreApplication::translate("bmon::Classifier", "the text ends in the middle of a value");
    case JsonError::UnexpectedCharacter:
        return QCoreApplication::translate("bmon::Classifier", "unexpected character");
    case JsonError::InvalidEscape:
        return QCoreApplication::translate("bmon::Classifier", "invalid escape sequence in a string");
    case JsonError::ControlCharacter:
        return QCoreApplication::translate("bmon::Classifier", "raw control character in a string");
    case JsonError::InvalidNumber:
        return QCoreApplication::translate("bmon::Classifier", "malformed number");
    case JsonError::InvalidLiteral:
        return QCoreApplication::translate("bmon::Classifier", "misspelled true, false or null");
    case JsonError::TooDeep:
        return QCoreApplication::translate("bmon::Classifier", "nested more than %1 levels deep")
            .arg(JsonReader::MaxDepth);
    case JsonError::TrailingCharacters:
        return QCoreApplication::translate("bmon::Classifier", "extra characters after the JSON value");
    case JsonError::InvalidUtf8:
        return QCoreApplication::translate("bmon::Classifier", "the text is not valid UTF-8");
    }
    return QString();
}

QString parseStatusText(const EventRecord& rec)
{
    switch (rec.status()) {
    case ParseStatus::Ok:
        return QString();
    case ParseStatus::NoType:
        return QCoreApplication::translate("bmon::Classifier", "JSON object without a \"type\"");
    case ParseStatus::InvalidJson:
        return QCoreApplication::translate("bmon::Classifier", "invalid JSON at byte %1: %2")
            .arg(rec.errorOffset())
            .arg(jsonErrorText(rec.errorCode()));
    case ParseStatus::NotAnObject:
        return QCoreApplication::translate("bmon::Classifier", "valid JSON, but not an object");
    case ParseStatus::BinaryFrame:
        return QCoreApplication::translate("bmon::Classifier", "binary frame (Baserow sends only text)");
    case ParseStatus::EmptyFrame:
        return QCoreApplication::translate("bmon::Classifier", "empty frame");
    case ParseStatus::TooLarge:
        return QCoreApplication::translate("bmon::Classifier",
            "frame of %1 bytes is above the classification limit; "
            "the first %2 bytes are kept")
            .arg(rec.originalSize())
            .arg(rec.payloadSize);
    }
    return QString();
}

QString parseStatusName(ParseStatus status)
{
    switch (status) {
    case ParseStatus::Ok:
        return QStringLiteral("ok");
    case ParseStatus::NoType:
        return QStringLiteral("no_type");
    case ParseStatus::InvalidJson:
        return QStringLiteral("invalid_json");
    case ParseStatus::NotAnObject:
        return QStringLiteral("not_an_object");
    case ParseStatus::BinaryFrame:
        return QStringLiteral("binary_frame");
    case ParseStatus::EmptyFrame:
        return QStringLiteral("empty_frame");
    case ParseStatus::TooLarge:
        return QStringLiteral("too_large");
    }
    return QStringLiteral("unknown");
}

} // namespace bmon
