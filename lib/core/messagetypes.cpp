// SPDX-License-Identifier: MIT
#include "core/messagetypes.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QReadWriteLock>

#include <array>
#include <deque>
#include <string>
#include <unordered_map>

namespace bmon {

namespace {

constexpr int V(int a, int b, int c)
{
    return versionCode(a, b, c);
}
constexpr Category Ctl = Category::Control, Cor = Category::Core, Db = Category::Database,
                   Bld = Category::Builder, Dsh = Category::Dashboard, Aut = Category::Automation,
                   Prm = Category::Premium;
constexpr int Never = V(99, 0, 0);

// Index = type id. The first entries follow KnownType; the rest is PROTOCOL.md §4/§5.3.
constexpr MessageTypeInfo kCatalogue[] = {
    {"", Category::Unknown, 0, 0},
    {"authentication", Ctl, V(0, 8, 0), 0},
    {"page_add", Ctl, V(0, 8, 0), 0},
    {"page_discard", Ctl, V(0, 8, 0), 0},
    {"force_disconnect", Ctl, V(1, 21, 0), 0},
    {"page", Ctl, V(0, 8, 0), 0}, // sent subscription request
    {"remove_page", Ctl, V(1, 21, 0), 0}, // sent unsubscription request
    {"rows_created", Db, V(1, 10, 0), 0},
    {"rows_updated", Db, V(1, 10, 0), 0},
    {"rows_deleted", Db, V(1, 10, 0), 0},
    // core
    {"user_updated", Cor, V(1, 12, 0), 0},
    {"user_deleted", Cor, V(1, 12, 0), 0},
    {"user_restored", Cor, V(1, 12, 0), 0},
    {"user_permanently_deleted", Cor, V(1, 12, 0), 0},
    {"group_created", Cor, V(0, 8, 0), 0},
    {"group_updated", Cor, V(0, 8, 0), 0},
    {"group_deleted", Cor, V(0, 8, 0), 0},
    {"group_restored", Cor, V(1, 4, 0), 0},
    {"groups_reordered", Cor, V(1, 10, 0), 0},
    {"group_user_added", Cor, V(1, 12, 0), 0},
    {"group_user_updated", Cor, V(1, 12, 0), 0},
    {"group_user_deleted", Cor, V(1, 12, 0), 0},
    {"application_created", Cor, V(0, 8, 0), 0},
    {"application_updated", Cor, V(0, 8, 0), 0},
    {"application_deleted", Cor, V(0, 8, 0), 0},
    {"applications_reordered", Cor, V(1, 3, 0), 0},
    {"workspace_invitation_created", Cor, V(1, 19, 0), V(1, 23, 0)},
    {"workspace_invitation_updated_or_created", Cor, V(1, 23, 1), 0},
    {"workspace_invitation_accepted", Cor, V(1, 19, 0), 0},
    {"workspace_invitation_rejected", Cor, V(1, 19, 0), 0},
    {"notifications_created", Cor, V(1, 19, 0), 0},
    {"notifications_fetch_required", Cor, V(1, 20, 0), 0},
    {"notification_marked_as_read", Cor, V(1, 19, 0), 0},
    {"all_notifications_marked_as_read", Cor, V(1, 19, 0), 0},
    {"all_notifications_cleared", Cor, V(1, 19, 0), 0},
    {"job_started", Cor, V(1, 31, 0), 0},
    {"user_data_updated", Cor, V(1, 7, 0), 0},
    // database
    {"table_created", Db, V(0, 8, 0), 0},
    {"table_updated", Db, V(0, 8, 0), 0},
    {"table_deleted", Db, V(0, 8, 0), 0},
    {"tables_reordered", Db, V(1, 3, 0), 0},
    {"field_created", Db, V(0, 8, 0), 0},
    {"field_updated", Db, V(0, 8, 0), 0},
    {"field_deleted", Db, V(0, 8, 0), 0},
    {"field_restored", Db, V(1, 4, 0), 0},
    {"row_created", Db, V(0, 8, 0), V(1, 10, 99)},
    {"row_updated", Db, V(0, 8, 0), V(1, 10, 99)},
    {"row_deleted", Db, V(0, 8, 0), V(1, 10, 99)},
    {"row_orders_recalculated", Db, V(1, 15, 0), 0},
    {"rows_ai_values_generation_error", Db, V(1, 24, 0), 0},
    {"row_history_updated", Db, V(1, 21, 0), 0},
    {"view_created", Db, V(0, 8, 0), 0},
    {"view_updated", Db, V(0, 8, 0), 0},
    {"view_deleted", Db, V(0, 8, 0), 0},
    {"views_reordered", Db, V(1, 3, 0), 0},
    {"view_filter_created", Db, V(0, 8, 0), 0},
    {"view_filter_updated", Db, V(0, 8, 0), 0},
    {"view_filter_deleted", Db, V(0, 8, 0), 0},
    {"view_filter_group_created", Db, V(1, 21, 0), 0},
    {"view_filter_group_updated", Db, V(1, 21, 0), 0},
    {"view_filter_group_deleted", Db, V(1, 21, 0), 0},
    {"view_sort_created", Db, V(0, 8, 0), 0},
    {"view_sort_updated", Db, V(0, 8, 0), 0},
    {"view_sort_deleted", Db, V(0, 8, 0), 0},
    {"view_group_by_created", Db, V(1, 21, 0), 0},
    {"view_group_by_updated", Db, V(1, 21, 0), 0},
    {"view_group_by_deleted", Db, V(1, 21, 0), 0},
    {"view_decoration_created", Db, V(1, 10, 0), 0},
    {"view_decoration_updated", Db, V(1, 10, 0), 0},
    {"view_decoration_deleted", Db, V(1, 10, 0), 0},
    {"view_field_options_updated", Db, V(1, 4, 0), 0},
    {"grid_view_field_options_updated", Db, V(0, 8, 0), V(1, 3, 99)},
    {"force_view_rows_refresh", Db, V(1, 8, 0), 0},
    {"force_view_refresh", Db, V(1, 8, 0), 0},
    {"field_rule_created", Db, V(1, 35, 2), 0},
    {"field_rule_updated", Db, V(1, 35, 2), 0},
    {"field_rule_deleted", Db, V(1, 35, 2), 0},
    // builder (builder pages are unrelated to subscription pages)
    {"page_created", Bld, V(1, 15, 0), 0},
    {"page_updated", Bld, V(1, 15, 0), 0},
    {"page_deleted", Bld, V(1, 15, 0), 0},
    {"pages_reordered", Bld, V(1, 15, 0), 0},
    {"element_created", Bld, V(1, 16, 0), 0},
    {"elements_created", Bld, V(1, 20, 0), 0},
    {"element_updated", Bld, V(1, 16, 0), 0},
    {"element_moved", Bld, V(1, 16, 0), 0},
    {"elements_moved", Bld, V(1, 20, 0), 0},
    {"element_deleted", Bld, V(1, 16, 0), 0},
    {"element_orders_recalculated", Bld, V(1, 16, 0), 0},
    {"domain_created", Bld, Never, 0}, // defined but never imported (§4.4)
    {"domain_updated", Bld, Never, 0},
    {"domain_deleted", Bld, Never, 0},
    {"domains_reordered", Bld, Never, 0},
    // dashboard
    {"widget_created", Dsh, V(1, 31, 0), 0},
    {"widget_updated", Dsh, V(1, 31, 0), 0},
    {"widget_deleted", Dsh, V(1, 31, 0), 0},
    {"data_source_updated", Dsh, V(1, 31, 0), 0},
    // automation
    {"automation_workflow_created", Aut, V(1, 33, 0), 0},
    {"automation_workflow_updated", Aut, V(1, 33, 0), 0},
    {"automation_workflow_published", Aut, V(1, 34, 0), 0},
    {"automation_workflow_deleted", Aut, V(1, 33, 0), 0},
    {"automation_workflows_reordered", Aut, V(1, 33, 0), 0},
    {"automation_node_created", Aut, V(1, 33, 1), 0},
    {"automation_node_updated", Aut, V(1, 33, 1), 0},
    {"automation_nodes_updated", Aut, V(1, 35, 3), 0},
    {"automation_node_deleted", Aut, V(1, 33, 1), 0},
    {"automation_nodes_reordered", Aut, V(1, 33, 1), 0},
    {"automation_node_replaced", Aut, V(1, 35, 3), 0},
    // premium / enterprise
    {"row_comment_created", Prm, V(1, 5, 0), 0},
    {"row_comment_updated", Prm, V(1, 19, 0), 0},
    {"row_comment_deleted", Prm, V(1, 19, 0), 0},
    {"row_comment_restored", Prm, V(1, 19, 0), 0},
    {"row_comments_notification_mode_updated", Prm, V(1, 22, 0), 0},
    {"permissions_updated", Prm, V(1, 14, 0), 0},
    {"field_permissions_updated", Prm, V(1, 33, 0), 0},
};
constexpr int kCatalogueSize = int(std::size(kCatalogue));

static_assert(std::string_view(kCatalogue[KnownType::RowsDeleted].name) == "rows_deleted");
static_assert(std::string_view(kCatalogue[KnownType::PageRequest].name) == "page");

// Probed once per frame: mix the length with a few characters instead of hashing them all.
// Names share prefixes ("view_filter_…") and suffixes ("…_created"), so sample both ends and
// the middle; collisions only cost a probe.
inline quint32 hashName(std::string_view s)
{
    const size_t n = s.size();
    if (n == 0)
        return 0;
    const auto at = [&s](size_t i) { return quint32(static_cast<unsigned char>(s[i])); };
    quint32 h = quint32(n) * 0x9e3779b1u;
    h ^= at(0) * 0x85ebca6bu;
    h ^= at(n - 1) * 0xc2b2ae35u;
    h ^= at(n / 2) * 0x27d4eb2fu;
    h ^= at(n / 3) * 0x165667b1u;
    h ^= at((2 * n) / 3) * 0xd3a2646cu;
    return h ^ (h >> 15);
}

constexpr int kTableBits = 9; // 512 slots for ~120 names
constexpr quint32 kTableMask = (1u << kTableBits) - 1;

} // namespace

struct TypeRegistry::Private
{
    std::array<quint16, 1u << kTableBits> table {}; // 0 = empty slot
    std::array<std::string_view, kCatalogueSize> names; // lengths precomputed: no strlen per probe
    mutable QReadWriteLock lock;
    std::unordered_map<std::string, quint16> unknownIds;
    std::deque<QByteArray> unknownNames; // id = kCatalogueSize + index
};

TypeRegistry::TypeRegistry() : d(new Private)
{
    for (int id = 0; id < kCatalogueSize; ++id)
        d->names[size_t(id)] = kCatalogue[id].name;
    for (int id = 1; id < kCatalogueSize; ++id) {
        quint32 slot = hashName(kCatalogue[id].name) & kTableMask;
        while (d->table[slot] != 0)
            slot = (slot + 1) & kTableMask;
        d->table[slot] = quint16(id);
    }
}

TypeRegistry& TypeRegistry::instance()
{
    static TypeRegistry registry; // never destroyed before other statics use it: trivial teardown
    return registry;
}

const MessageTypeInfo* TypeRegistry::catalogue(int* size)
{
    if (size)
        *size = kCatalogueSize;
    return kCatalogue;
}

quint16 TypeRegistry::findKnown(std::string_view name) const
{
    if (name.empty())
        return KnownType::None;
    quint32 slot = hashName(name) & kTableMask;
    while (quint16 id = d->table[slot]) {
        if (name == d->names[id])
            return id;
        slot = (slot + 1) & kTableMask;
    }
    return KnownType::None;
}

quint16 TypeRegistry::intern(std::string_view name)
{
    if (quint16 id = findKnown(name))
        return id;
    if (name.empty())
        return KnownType::None;
    const std::string key(name);
    {
        QReadLocker locker(&d->lock);
        auto it = d->unknownIds.find(key);
        if (it != d->unknownIds.end())
            return it->second;
    }
    QWriteLocker locker(&d->lock);
    auto it = d->unknownIds.find(key);
    if (it != d->unknownIds.end())
        return it->second;
    if (kCatalogueSize + d->unknownNames.size() >= MaxIds)
        return OverflowId;
    const auto id = quint16(kCatalogueSize + d->unknownNames.size());
    d->unknownNames.emplace_back(name.data(), qsizetype(name.size()));
    d->unknownIds.emplace(key, id);
    return id;
}

QByteArray TypeRegistry::nameUtf8(quint16 id) const
{
    if (id < kCatalogueSize)
        return QByteArray(kCatalogue[id].name);
    if (id == OverflowId)
        return QByteArrayLiteral("(other unknown types)");
    QReadLocker locker(&d->lock);
    const size_t index = id - kCatalogueSize;
    return index < d->unknownNames.size() ? d->unknownNames[index] : QByteArray();
}

QString TypeRegistry::name(quint16 id) const
{
    return QString::fromUtf8(nameUtf8(id));
}

Category TypeRegistry::category(quint16 id) const
{
    return id < kCatalogueSize ? kCatalogue[id].category : Category::Unknown;
}

const MessageTypeInfo* TypeRegistry::info(quint16 id) const
{
    return id > 0 && id < kCatalogueSize ? &kCatalogue[id] : nullptr;
}

bool TypeRegistry::isKnown(quint16 id) const
{
    return id > 0 && id < kCatalogueSize;
}

int TypeRegistry::count() const
{
    QReadLocker locker(&d->lock);
    return kCatalogueSize + int(d->unknownNames.size());
}

QString categoryName(Category c)
{
    switch (c) {
    case Category::Control:
        return QStringLiteral("control");
    case Category::Core:
        return QStringLiteral("core");
    case Category::Database:
        return QStringLiteral("database");
    case Category::Builder:
        return QStringLiteral("builder");
    case Category::Dashboard:
        return QStringLiteral("dashboard");
    case Category::Automation:
        return QStringLiteral("automation");
    case Category::Premium:
        return QStringLiteral("premium");
    case Category::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

Category categoryFromName(QStringView name, bool* ok)
{
    for (int i = 0; i < CategoryCount; ++i) {
        if (name == categoryName(Category(i))) {
            if (ok)
                *ok = true;
            return Category(i);
        }
    }
    if (ok)
        *ok = false;
    return Category::Unknown;
}

// ---------------------------------------------------------------------------------------------

struct StringPool::Private
{
    quint32 cap;
    mutable QReadWriteLock lock;
    std::unordered_map<std::string, quint32> ids;
    std::deque<QString> values; // id = index + 1
};

StringPool::StringPool(quint32 cap, std::initializer_list<const char*> preset) : d(new Private)
{
    d->cap = cap;
    for (const char* s : preset)
        intern(s);
}

StringPool& StringPool::pages()
{
    static StringPool pool(255, {"table", "row", "view", "dashboard"});
    return pool;
}

StringPool& StringPool::slugs()
{
    static StringPool pool(1u << 20, {});
    return pool;
}

quint32 StringPool::intern(std::string_view s)
{
    const std::string key(s);
    {
        QReadLocker locker(&d->lock);
        auto it = d->ids.find(key);
        if (it != d->ids.end())
            return it->second;
    }
    QWriteLocker locker(&d->lock);
    auto it = d->ids.find(key);
    if (it != d->ids.end())
        return it->second;
    if (d->values.size() + 1 >= d->cap)
        return d->cap;
    d->values.push_back(QString::fromUtf8(s.data(), qsizetype(s.size())));
    const auto id = quint32(d->values.size());
    d->ids.emplace(key, id);
    return id;
}

QString StringPool::value(quint32 id) const
{
    QReadLocker locker(&d->lock);
    if (id == 0)
        return {};
    if (id >= d->cap)
        return QCoreApplication::translate("bmon::StringPool", "(too many distinct values)");
    return id <= d->values.size() ? d->values[id - 1] : QString();
}

int StringPool::count() const
{
    QReadLocker locker(&d->lock);
    return int(d->values.size());
}

} // namespace bmon
