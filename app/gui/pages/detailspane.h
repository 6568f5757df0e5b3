// SPDX-License-Identifier: MIT
#pragma once

#include "jsontree.h"

#include <QSet>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;
class QTreeView;
class QTreeWidget;

namespace bmon {

class JsonSearchProxy;
class JsonTreeModel;
class Session;

/*!
 * Everything about one stored event: a header with type, time and links to its workspace,
 * database, table and rows; the payload as a JSON tree with a search that filters and
 * highlights; the raw text as received (or pretty-printed, key order and numbers kept); for
 * rows_updated a before/after diff per row with field names from the Directory (the table's
 * fields are fetched once when missing); for malformed frames the reason and the raw text.
 * Parses only the event shown.
 */
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPane(Session* session, QWidget* parent = nullptr);

    //! Shows the event at \a storeIndex (must be below the store's count).
    void setEvent(quint64 storeIndex);
    void clear();
    //! The store index shown, -1 when none.
    qint64 currentEvent() const { return m_index; }

    //! Raw text beyond this is cut for display (the store keeps all of it).
    static constexpr qsizetype MaxRawChars = 1 << 20;

signals:
    void workspaceActivated(quint32 workspaceId);
    void applicationActivated(quint32 applicationId);
    void tableActivated(quint32 tableId);
    void rowActivated(quint32 tableId, qint64 rowId);

private:
    void renderHeader();
    void renderRaw();
    void renderDiff();
    void onLink(const QString& link);
    void onSearch(const QString& text);

    Session* m_session;
    QLabel* m_header = nullptr;
    QLabel* m_error = nullptr;
    QTabWidget* m_tabs = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_searchInfo = nullptr;
    QTreeView* m_tree = nullptr;
    QCheckBox* m_pretty = nullptr;
    QPlainTextEdit* m_raw = nullptr;
    QTreeWidget* m_diff = nullptr;
    QWidget* m_diffPage = nullptr;
    QLabel* m_diffInfo = nullptr;
    JsonTreeModel* m_model = nullptr;
    JsonSearchProxy* m_proxy = nullptr;

    qint64 m_index = -1;
    JsonTree m_json; //!< the shown payload, parsed once
    bool m_parsed = false;
    bool m_autoRaw = false; //!< the raw tab was chosen for a malformed frame, not by the user
    QSet<quint32> m_fieldsRequested; //!< tables whose fields were asked for once
};

} // namespace bmon
