// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventfilter.h"

#include <QString>

namespace bmon {

class Directory;

/*!
 * Scope criteria of an EventFilter built from the Directory: the tree and the details pane's links
 * select a node, the stream matches its events. A workspace expands to its applications and their
 * tables (row events carry only a table id), an application to its tables.
 */
namespace ScopeFilter {

EventFilter forWorkspace(const Directory& directory, quint32 workspaceId);
EventFilter forApplication(const Directory& directory, quint32 applicationId);
EventFilter forTable(quint32 tableId);

//! True when \a filter restricts the scope (workspace, application or table ids).
bool hasScope(const EventFilter& filter);
//! \a filter with its scope replaced by that of \a scope; the other criteria are kept.
EventFilter withScope(const EventFilter& filter, const EventFilter& scope);
//! Only the scope criteria of \a filter.
EventFilter scopeOf(const EventFilter& filter);
//! A short label: "workspace Acme Ops", "database CRM", "table Customers", "3 tables".
QString describe(const Directory& directory, const EventFilter& scope);
//! "Customers (table 21)", or "table 21" while the name is unknown.
QString tableLabel(const Directory& directory, quint32 tableId);

} // namespace ScopeFilter

} // namespace bmon
