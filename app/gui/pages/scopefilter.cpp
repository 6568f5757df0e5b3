// SPDX-License-Identifier: MIT
#include "scopefilter.h"

#include "core/directory.h"

#include <QCoreApplication>

namespace bmon::ScopeFilter {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::ScopeFilter", text);
}

} // namespace

EventFilter forWorkspace(const Directory& directory, quint32 workspaceId)
{
    EventFilter f;
    f.workspaceIds.insert(workspaceId);
    for (quint32 app : directory.applicationsOfWorkspace(workspaceId))
        f.applicationIds.insert(app);
    for (quint32 table : directory.tablesOfWorkspace(workspaceId))
        f.tableIds.insert(table);
    return f;
}

EventFilter forApplication(const Directory& directory, quint32 applicationId)
{
    EventFilter f;
    f.applicationIds.insert(applicationId);
    if (const DirApplication* app = directory.application(applicationId)) {
        for (quint32 table : app->tableIds)
            f.tableIds.insert(table);
    }
    return f;
}

EventFilter forTable(quint32 tableId)
{
    EventFilter f;
    f.tableIds.insert(tableId);
    return f;
}

bool hasScope(const EventFilter& filter)
{
    return !filter.workspaceIds.isEmpty() || !filter.applicationIds.isEmpty() || !filter.tableIds.isEmpty();
}

EventFilter withScope(const EventFilter& filter, const EventFilter& scope)
{
    EventFilter f = filter;
    f.workspaceIds = scope.workspaceIds;
    f.applicationIds = scope.applicationIds;
    f.tableIds = scope.tableIds;
    return f;
}

EventFilter scopeOf(const EventFilter& filter)
{
    return withScope(EventFilter {}, filter);
}

QString describe(const Directory& directory, const EventFilter& scope)
{
    auto named = [](const QString& name, quint32 id) { return name.isEmpty() ? QString::number(id) : name; };
    if (scope.workspaceIds.size() == 1) {
        const quint32 id = *scope.workspaceIds.cbegin();
        return tr("workspace %1").arg(named(directory.workspaceName(id), id));
    }
    if (!scope.workspaceIds.isEmpty())
        return tr("%1 workspaces").arg(scope.workspaceIds.size());
    if (scope.applicationIds.size() == 1) {
        const quint32 id = *scope.applicationIds.cbegin();
        const DirApplication* app = directory.application(id);
        const QString name = named(directory.applicationName(id), id);
        if (app && app->type != QLatin1String("database"))
            return tr("application %1").arg(name);
        return tr("database %1").arg(name);
    }
    if (!scope.applicationIds.isEmpty())
        return tr("%1 applications").arg(scope.applicationIds.size());
    if (scope.tableIds.size() == 1) {
        const quint32 id = *scope.tableIds.cbegin();
        return tr("table %1").arg(named(directory.tableName(id), id));
    }
    if (!scope.tableIds.isEmpty())
        return tr("%1 tables").arg(scope.tableIds.size());
    return tr("all events");
}

QString tableLabel(const Directory& directory, quint32 tableId)
{
    const QString name = directory.tableName(tableId);
    if (name.isEmpty())
        return tr("table %1").arg(tableId);
    return tr("%1 (table %2)").arg(name).arg(tableId);
}

} // namespace bmon::ScopeFilter
