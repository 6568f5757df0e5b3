// SPDX-License-Identifier: MIT
#include "core/classifier.h"

#include "core/jsonreader.h"
#include "core/messagetypes.h"

#include <QCoreApplication>

namespace bmon {

namespace {

// Keys the classifier looks at, at the top level and inside the few objects that carry scope.
enum class Key : quint8 {
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
    std::string_view type, page, slug;
    bool typeIsString = false, typeEscaped = false, pageIsRemove = false, pageEscaped = false,
         slugEscaped = false;
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
    bool rowIdsSeen = false, rowsSeen = false;
    bool hashed = false, overflow = false;
};

class Walker
{
public:
    Walker(JsonReader& r, Found& f, std::vector<quint32>& rows, quint32 maxRows)
        : m_r(r)
        , m_f(f)
        , m_rows(rows)
        , m_maxRows(maxRows)
    {
    }

    // Reads an id-like value; consumes it in every case.
    void id(quint32& out)
    {
        const auto t = m_r.peek();
        if (t == JsonReader::Token::String) {
            std::string_view s;
            if (!m_r.readString(s))
                return;
            if (JsonReader::isSha256Hex(s)) {
                m_f.hashed = true;
                return;
            }
            parseDigits(s, out);
            return;
        }
        if (t == JsonReader::Token::Number) {
            std::string_view s;
            if (m_r.readNumber(s))
                parseDigits(s, out);
            return;
        }
        m_r.skipValue();
    }

    void parseDigits(std::string_view s, quint32& out)
    {
        if (s.empty() || s.size() > 20)
            return;
        quint64 v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') {
                if (c == '-')
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

    // An object whose members are read by \a onMember(key) (which must consume each value).
    template<typename F>
    void object(F&& onMember)
    {
        if (m_r.peek() != JsonReader::Token::ObjectBegin) {
            m_r.skipValue();
            return;
        }
        m_r.enterObject();
        std::string_view key;
        while (m_r.nextMember(key))
            onMember(keyOf(key));
    }

    // {"id": …} objects: reads "id" into \a out, skips the rest.
    void idOfObject(quint32& out)
    {
        object([&](Key k) {
            if (k == Key::Id)
                id(out);
            else
                m_r.skipValue();
        });
    }

    void pushRow(quint32 v)
    {
        if (m_rows.size() < m_maxRows)
            m_rows.push_back(v);
        ++m_rowCount;
    }

    void rowIdArray()
    {
        if (m_r.peek() != JsonReader::Token::ArrayBegin) {
            m_r.skipValue();
            return;
        }
        m_r.enterArray();
        while (m_r.nextElement()) {
            quint32 v = 0;
            id(v);
            if (v)
                pushRow(v);
        }
    }

    void rowObjectArray()
    {
        if (m_r.peek() != JsonReader::Token::ArrayBegin) {
            m_r.skipValue();
            return;
        }
        m_r.enterArray();
        while (m_r.nextElement()) {
            quint32 v = 0;
            idOfObject(v);
            if (v)
                pushRow(v);
        }
    }

    // "order": a list of ids, hashed since 1.14 (§4.2). Only the first entry decides.
    void orderArray()
    {
        if (m_r.peek() != JsonReader::Token::ArrayBegin) {
            m_r.skipValue();
            return;
        }
        m_r.enterArray();
        bool first = true;
        while (m_r.nextElement()) {
            if (first && m_r.peek() == JsonReader::Token::String) {
                std::string_view s;
                if (m_r.readString(s) && JsonReader::isSha256Hex(s))
                    m_f.hashed = true;
            } else {
                m_r.skipValue();
            }
            first = false;
        }
    }

    void topLevel(Key k)
    {
        Found& f = m_f;
        switch (k) {
        case Key::Type:
            if (m_r.peek() == JsonReader::Token::String) {
                f.typeIsString = m_r.readString(f.type);
                f.typeEscaped = m_r.lastStringHadEscapes();
            } else {
                m_r.skipValue();
            }
            return;
        case Key::Page:
        case Key::RemovePage:
            if (m_r.peek() == JsonReader::Token::String) {
                m_r.readString(f.page);
                f.pageEscaped = m_r.lastStringHadEscapes();
                f.pageIsRemove = k == Key::RemovePage;
            } else if (k == Key::Page) { // builder page object (page_created …)
                object([&](Key c) {
                    if (c == Key::BuilderId)
                        id(f.pageBuilder);
                    else
                        m_r.skipValue();
                });
            } else {
                m_r.skipValue();
            }
            return;
        case Key::Slug:
            slug();
            return;
        case Key::TableId:
            return id(f.tableId);
        case Key::WorkspaceId:
            return id(f.workspaceId);
        case Key::GroupId:
            return id(f.groupId);
        case Key::DatabaseId:
            return id(f.databaseId);
        case Key::ApplicationId:
            return id(f.applicationId);
        case Key::ViewId:
            if (m_r.peek() == JsonReader::Token::String) { // a public view's slug (force_view_*)
                std::string_view s;
                if (m_r.readString(s)) {
                    quint32 v = 0;
                    parseDigits(s, v);
                    if (v) {
                        f.viewId = v;
                    } else if (!s.empty()) {
                        f.slug = s;
                        f.slugEscaped = m_r.lastStringHadEscapes();
                    }
                }
                return;
            }
            return id(f.viewId);
        case Key::GridViewId:
            return id(f.gridViewId);
        case Key::FieldId:
            return id(f.fieldId);
        case Key::RowId:
            return id(f.rowId);
        case Key::DashboardId:
            return id(f.dashboardId);
        case Key::BuilderId:
            return id(f.builderId);
        case Key::AutomationId:
            return id(f.automationId);
        case Key::RowIds:
            if (f.rowsSeen) { // row_ids wins over rows[].id
                m_rows.clear();
                m_rowCount = 0;
            }
            f.rowIdsSeen = true;
            return rowIdArray();
        case Key::Rows:
            if (f.rowIdsSeen)
                return (void)m_r.skipValue();
            f.rowsSeen = true;
            return rowObjectArray();
        case Key::Row: // legacy singular row events (≤ 1.10)
            return idOfObject(f.legacyRowId);
        case Key::Parameters:
            return object([&](Key c) {
                switch (c) {
                case Key::TableId:
                    return id(f.paramTable);
                case Key::RowId:
                    return id(f.paramRow);
                case Key::DashboardId:
                    return id(f.paramDashboard);
                case Key::ViewId:
                    return id(f.paramView);
                case Key::Slug:
                    return slug();
                default:
                    return (void)m_r.skipValue();
                }
            });
        case Key::Field:
            return object([&](Key c) {
                switch (c) {
                case Key::Id:
                    return id(f.fieldObjId);
                case Key::TableId:
                    return id(f.fieldTable);
                case Key::DatabaseId:
                    return id(f.fieldDatabase);
                case Key::WorkspaceId:
                    return id(f.fieldWorkspace);
                default:
                    return (void)m_r.skipValue();
                }
            });
        case Key::View:
            return object([&](Key c) {
                switch (c) {
                case Key::Id:
                    return id(f.viewObjId);
                case Key::TableId:
                    return id(f.viewTable);
                case Key::DatabaseId:
                    return id(f.viewDatabase);
                case Key::Table:
                    return object([&](Key t) {
                        if (t == Key::DatabaseId)
                            id(f.viewDatabase);
                        else if (t == Key::Id && !f.viewTable)
                            id(f.viewTable);
                        else
                            m_r.skipValue();
                    });
                default:
                    return (void)m_r.skipValue();
                }
            });
        case Key::Table:
            return object([&](Key c) {
                if (c == Key::Id)
                    id(f.tableObjId);
                else if (c == Key::DatabaseId)
                    id(f.tableDatabase);
                else
                    m_r.skipValue();
            });
        case Key::Application:
            return object([&](Key c) {
                if (c == Key::Id)
                    id(f.appId);
                else if (c == Key::Workspace || c == Key::Group)
                    idOfObject(f.appWorkspace);
                else
                    m_r.skipValue();
            });
        case Key::Workspace:
            return idOfObject(f.workspaceObj);
        case Key::Group:
            return idOfObject(f.groupObj);
        case Key::ViewChild:
            return object([&](Key c) {
                if (c == Key::View)
                    id(f.childView);
                else if (c == Key::Field)
                    id(f.childField);
                else
                    m_r.skipValue();
            });
        case Key::RowComment:
            return object([&](Key c) {
                if (c == Key::TableId)
                    id(f.commentTable);
                else if (c == Key::RowId)
                    id(f.commentRow);
                else
                    m_r.skipValue();
            });
        case Key::Widget:
        case Key::DataSource:
            return object([&](Key c) {
                if (c == Key::DashboardId)
                    id(f.widgetDashboard);
                else
                    m_r.skipValue();
            });
        case Key::Rule:
            return object([&](Key c) {
                if (c == Key::TableId)
                    id(f.ruleTable);
                else
                    m_r.skipValue();
            });
        case Key::WorkspaceUser:
        case Key::GroupUser:
            return object([&](Key c) {
                if (c == Key::Workspace || c == Key::Group)
                    id(f.memberWorkspace);
                else
                    m_r.skipValue();
            });
        case Key::Invitation:
            return object([&](Key c) {
                if (c == Key::Workspace)
                    id(f.invitationWorkspace);
                else
                    m_r.skipValue();
            });
        case Key::Workflow:
            return object([&](Key c) {
                if (c == Key::AutomationId)
                    id(f.workflowAutomation);
                else
                    m_r.skipValue();
            });
        case Key::Order:
            return orderArray();
        default:
            m_r.skipValue();
            return;
        }
    }

    void slug()
    {
        if (m_r.peek() == JsonReader::Token::String) {
            m_r.readString(m_f.slug);
            m_f.slugEscaped = m_r.lastStringHadEscapes();
        } else {
            m_r.skipValue();
        }
    }

    quint32 rowCount() const { return m_rowCount; }

private:
    JsonReader& m_r;
    Found& m_f;
    std::vector<quint32>& m_rows;
    quint32 m_maxRows;
    quint32 m_rowCount = 0;
};

template<typename... T>
quint32 firstNonZero(T... v)
{
    quint32 result = 0;
    ((result == 0 ? (result = v) : 0), ...);
    return result;
}

quint32 internString(StringPool& pool, std::string_view raw, bool escaped)
{
    if (!escaped)
        return pool.intern(raw);
    return pool.intern(JsonReader::decodeString(raw));
}

} // namespace

void classifyFrame(const char* data, qsizetype size, Direction direction, EventRecord& rec,
                   std::vector<quint32>& rowIds, quint32 maxRowIds)
{
    rowIds.clear();
    rec.typeId = KnownType::None;
    rec.category = Category::Unknown;
    rec.workspaceId = rec.applicationId = rec.tableId = rec.viewId = rec.fieldId = 0;
    rec.rowRef = rec.rowCount = 0;
    rec.pageId = 0;
    rec.flags = 0;
    rec.setDirection(direction);

    if (size <= 0) {
        rec.setStatus(ParseStatus::EmptyFrame);
        return;
    }

    JsonReader r(data, data + size);
    Found f;
    Walker w(r, f, rowIds, maxRowIds);
    const auto top = r.peek();
    if (top != JsonReader::Token::ObjectBegin) {
        // Either valid JSON of another kind, or not JSON at all: tell them apart.
        if (top == JsonReader::Token::End) {
            rec.setStatus(ParseStatus::EmptyFrame); // whitespace only
            return;
        }
        if (r.skipValue() && r.finish()) {
            rec.setStatus(ParseStatus::NotAnObject);
            return;
        }
    } else {
        r.enterObject();
        std::string_view key;
        while (r.nextMember(key))
            w.topLevel(keyOf(key));
        r.finish();
    }
    if (r.failed()) {
        rowIds.clear();
        rec.setStatus(ParseStatus::InvalidJson);
        rec.fieldId = quint32(r.error());
        rec.rowRef = quint32(qMin<qsizetype>(r.errorOffset(), 0xffffffff));
        return;
    }

    // Type: received frames name it; sent frames are page requests keyed by "page"/"remove_page".
    if (f.typeIsString && !f.type.empty()) {
        rec.typeId = f.typeEscaped ? TypeRegistry::instance().intern(JsonReader::decodeString(f.type))
                                   : TypeRegistry::instance().intern(f.type);
    } else if (!f.typeIsString && f.page.data() && direction == Direction::Sent) {
        rec.typeId = f.pageIsRemove ? KnownType::RemovePageRequest : KnownType::PageRequest;
    }
    rec.setStatus(rec.typeId == KnownType::None ? ParseStatus::NoType : ParseStatus::Ok);
    rec.category = TypeRegistry::instance().category(rec.typeId);

    if (f.page.data() && !f.page.empty())
        rec.pageId = quint8(internString(StringPool::pages(), f.page, f.pageEscaped));

    // Scope, most specific source first (PROTOCOL.md §4 "scope keys", §5.1 tolerant rule).
    rec.workspaceId = firstNonZero(f.workspaceId, f.groupId, f.workspaceObj, f.groupObj, f.appWorkspace,
                                   f.fieldWorkspace, f.memberWorkspace, f.invitationWorkspace);
    rec.applicationId = firstNonZero(f.databaseId, f.applicationId, f.appId, f.fieldDatabase, f.tableDatabase,
                                     f.viewDatabase, f.dashboardId, f.paramDashboard, f.widgetDashboard,
                                     f.builderId, f.pageBuilder, f.automationId, f.workflowAutomation);
    rec.tableId = firstNonZero(f.tableId, f.paramTable, f.fieldTable, f.tableObjId, f.viewTable, f.commentTable,
                               f.ruleTable);
    rec.viewId = firstNonZero(f.viewId, f.gridViewId, f.paramView, f.viewObjId, f.childView);
    if (!rec.viewId && f.slug.data() && !f.slug.empty()) {
        rec.viewId = internString(StringPool::slugs(), f.slug, f.slugEscaped);
        rec.flags |= RecordFlag::ViewIsSlug;
    }
    rec.fieldId = firstNonZero(f.fieldId, f.fieldObjId, f.childField);

    rec.rowCount = w.rowCount();
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
