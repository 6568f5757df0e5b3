// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QWidget;

namespace bmon {

/*!
 * Remembers the column layout of item views and the sizes of splitters below a widget, by their
 * object names, in QSettings (group "layout/"). Table pages are skipped: their columns are the
 * table's fields and differ from table to table.
 */
class LayoutMemory
{
public:
    static void save(QWidget* root);
    static void restore(QWidget* root);
};

} // namespace bmon
