// SPDX-License-Identifier: MIT
#include "detailspane.h"

#include "core/classifier.h"
#include "core/eventformat.h"
#include "core/messagetypes.h"
#include "jsonsearchproxy.h"
#include "jsontreemodel.h"
#include "rowdiff.h"
#include "session.h"

#include <QCheckBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace bmon {

namespace {

enum Tab
{
    TreeTab,
    RawTab,
    DiffTab
};

QString link(const QString& href, const QString& text)
{
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(href, text.toHtmlEscaped());
}

} // namespace

DetailsPane::DetailsPane(Session* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("detailsPane"));

    m_header = new QLabel;
    m_header->setObjectName(QStringLiteral("detailsHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_header->setOpenExternalLinks(false);
    connect(m_header, &QLabel::linkActivated, this, &DetailsPane::onLink);

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("detailsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(
        QStringLiteral("QLabel { background: rgba(235, 90, 40, 50); border: 1px solid rgba(235, 90, 40, 160);"
                       " border-radius: 3px; padding: 4px; }"));
    m_error->setVisible(false);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    // Tree tab: search + JSON tree.
    auto* treePage = new QWidget;
    auto* treeLayout = new QVBoxLayout(treePage);
    treeLayout->setContentsMargins(0, 4, 0, 0);
    auto* searchRow = new QHBoxLayout;
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("detailsSearch"));
    m_search->setPlaceholderText(tr("Search keys and values"));
    m_search->setClearButtonEnabled(true);
    m_searchInfo = new QLabel;
    m_searchInfo->setObjectName(QStringLiteral("detailsSearchInfo"));
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_searchInfo);
    m_model = new JsonTreeModel(this);
    // "field_102" keys read better with the field's name beside them.
    m_model->setKeyHint([this](const QString& key) {
        if (!key.startsWith(QLatin1String("field_")))
            return QString();
        bool ok = false;
        const uint id = QStringView(key).mid(6).toUInt(&ok);
        return ok ? m_session->directory().fieldName(id) : QString();
    });
    m_proxy = new JsonSearchProxy(this);
    m_proxy->setSourceModel(m_model);
    m_tree = new QTreeView;
    m_tree->setObjectName(QStringLiteral("detailsTree"));
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setWordWrap(false);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::KeyColumn, QHeaderView::Interactive);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::ValueColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(JsonTreeModel::TypeColumn, QHeaderView::Interactive);
    m_tree->header()->resizeSection(JsonTreeModel::KeyColumn, 220);
    m_tree->header()->resizeSection(JsonTreeModel::TypeColumn, 70);
    treeLayout->addLayout(searchRow);
    treeLayout->addWidget(m_tree, 1);
    connect(m_search, &QLineEdit::textChanged, this, &DetailsPane::onSearch);

    // Raw tab.
    auto* rawPage = new QWidget;
    auto* rawLayout = new QVBoxLayout(rawPage);
    rawLayout->setContentsMargins(0, 4, 0, 0);
    m_pretty = new QCheckBox(tr("Pretty (indented; key order and numbers as received)"));
    m_pretty->setObjectName(QStringLiteral("detailsPretty"));
    m_raw = new QPlainTextEdit;
    m_raw->setObjectName(QStringLiteral("detailsRaw"));
    m_raw->setReadOnly(true);
    m_raw->setFont(mono);
    m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_raw->setPlaceholderText(tr("(no bytes)"));
    rawLayout->addWidget(m_pretty);
    rawLayout->addWidget(m_raw, 1);
    connect(m_pretty, &QCheckBox::toggled, this, &DetailsPane::renderRaw);

    // Changes tab (rows_updated).
    m_diffPage = new QWidget;
    auto* diffLayout = new QVBoxLayout(m_diffPage);
    diffLayout->setContentsMargins(0, 4, 0, 0);
    m_diffInfo = new QLabel;
    m_diffInfo->setObjectName(QStringLiteral("detailsDiffInfo"));
    m_diffInfo->setWordWrap(true);
    m_diff = new QTreeWidget;
    m_diff->setObjectName(QStringLiteral("detailsDiff"));
    m_diff->setColumnCount(3);
    m_diff->setHeaderLabels({tr("Field"), tr("Before"), tr("After")});
    m_diff->setUniformRowHeights(true);
    m_diff->setAlternatingRowColors(true);
    m_diff->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_diff->header()->resizeSection(0, 200);
    m_diff->header()->resizeSection(1, 240);
    diffLayout->addWidget(m_diffInfo);
    diffLayout->addWidget(m_diff, 1);
    connect(m_diff, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const qint64 row = item->data(0, Qt::UserRole).toLongLong();
        if (m_index >= 0 && row > 0)
            emit rowActivated(m_session->store().at(quint64(m_index)).tableId, row);
    });

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("detailsTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(treePage, tr("JSON tree"));
    m_tabs->addTab(rawPage, tr("Raw"));
    m_tabs->addTab(m_diffPage, tr("Changes"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_header);
    layout->addWidget(m_error);
    layout->addWidget(m_tabs, 1);

    connect(&m_session->directory(), &Directory::changed, this, [this] {
        if (m_index >= 0)
            renderHeader();
    });
    connect(&m_session->directory(), &Directory::fieldsChanged, this, [this](quint32 tableId) {
        if (m_index >= 0 && m_session->store().at(quint64(m_index)).tableId == tableId) {
            renderDiff();
            m_model->refreshKeys();
        }
    });
    clear();
}

void DetailsPane::clear()
{
    m_index = -1;
    m_json.clear();
    m_parsed = false;
    m_model->clear();
    m_header->setText(tr("<i>Select an event to see its details.</i>"));
    m_error->setVisible(false);
    m_raw->clear();
    m_diff->clear();
    m_diffInfo->setText(QString());
    m_searchInfo->clear();
}

void DetailsPane::setEvent(quint64 storeIndex)
{
    const EventStore& store = m_session->store();
    if (storeIndex >= store.count()) {
        clear();
        return;
    }
    m_index = qint64(storeIndex);
    const EventRecord& rec = store.at(storeIndex);
    const QByteArrayView payload = store.payload(rec);

    QString parseError;
    m_parsed = !rec.isError() && m_json.parse(payload, &parseError);
    if (!m_parsed)
        m_json.clear();
    m_model->setTree(m_json);
    m_tree->expandToDepth(m_json.size() > 400 ? 0 : 2);

    if (rec.isError()) {
        m_error->setText(tr("<b>Malformed frame:</b> %1").arg(parseStatusText(rec).toHtmlEscaped()));
        m_error->setVisible(true);
    } else if (rec.status() == ParseStatus::NoType) {
        m_error->setText(tr("<b>No type:</b> %1").arg(parseStatusText(rec).toHtmlEscaped()));
        m_error->setVisible(true);
    } else if (m_json.truncated()) {
        m_error->setText(tr("This payload is very large: the tree shows its first nodes only."));
        m_error->setVisible(true);
    } else {
        m_error->setVisible(false);
    }
    m_pretty->setEnabled(m_parsed);

    renderHeader();
    renderRaw();
    renderDiff();
    onSearch(m_search->text());
    // A malformed frame has no tree: its raw text is what there is to see. Back to the tree
    // with the next event that has one, unless the user chose a tab since.
    if (!m_parsed && m_tabs->currentIndex() == TreeTab) {
        m_tabs->setCurrentIndex(RawTab);
        m_autoRaw = true;
    } else if (m_parsed && m_autoRaw) {
        if (m_tabs->currentIndex() == RawTab)
            m_tabs->setCurrentIndex(TreeTab);
        m_autoRaw = false;
    }
}

void DetailsPane::renderHeader()
{
    if (m_index < 0)
        return;
    const EventRecord& rec = m_session->store().at(quint64(m_index));
    const Directory& dir = m_session->directory();
    const QLocale locale;

    QStringList first;
    first << QStringLiteral("<b>%1</b>").arg(EventFormat::typeName(rec).toHtmlEscaped());
    first << categoryName(rec.category);
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(rec.receivedUs / 1000);
    first << (rec.direction() == Direction::Sent ? tr("sent %1") : tr("received %1"))
                 .arg(when.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    first << locale.formattedDataSize(qint64(rec.originalSize()), 1, QLocale::DataSizeTraditionalFormat);
    first << tr("event #%1").arg(rec.seq);
    first << tr("connection %1").arg(rec.generation);

    QStringList links;
    auto named = [](const QString& name, quint32 id) { return name.isEmpty() ? QString::number(id) : name; };
    const quint32 ws = rec.workspaceId ? rec.workspaceId
        : rec.applicationId            ? dir.workspaceOfApplication(rec.applicationId)
        : rec.tableId                  ? dir.workspaceOfTable(rec.tableId)
                                       : 0;
    const quint32 app = rec.applicationId ? rec.applicationId
        : rec.tableId                     ? dir.databaseOfTable(rec.tableId)
                                          : 0;
    if (ws)
        links << tr("workspace %1")
                     .arg(link(QStringLiteral("ws:%1").arg(ws), named(dir.workspaceName(ws), ws)));
    if (app) {
        links << tr("database %1")
                     .arg(link(QStringLiteral("app:%1").arg(app), named(dir.applicationName(app), app)));
    }
    if (rec.tableId) {
        links << tr("table %1")
                     .arg(link(QStringLiteral("table:%1").arg(rec.tableId),
                         named(dir.tableName(rec.tableId), rec.tableId)));
    }
    const std::span<const quint32> rows = m_session->store().rowIds(rec);
    if (rec.tableId && !rows.empty()) {
        QStringList rowLinks;
        const size_t shown = qMin<size_t>(rows.size(), 12);
        for (size_t i = 0; i < shown; ++i)
            rowLinks << link(
                QStringLiteral("row:%1:%2").arg(rec.tableId).arg(rows[i]), QString::number(rows[i]));
        if (rec.rowCount > shown)
            rowLinks << tr("… %1 more").arg(rec.rowCount - shown);
        links << tr("rows %1").arg(rowLinks.join(QStringLiteral(", ")));
    }
    QString html = first.join(QStringLiteral(" · "));
    if (!links.isEmpty())
        html += QStringLiteral("<br>") + links.join(QStringLiteral(" › "));
    m_header->setText(html);
}

void DetailsPane::renderRaw()
{
    if (m_index < 0)
        return;
    const EventRecord& rec = m_session->store().at(quint64(m_index));
    const QByteArrayView payload = m_session->store().payload(rec);
    QString text;
    if (m_pretty->isChecked() && m_parsed)
        text = m_json.text(JsonTree::Root, true);
    else if (rec.status() == ParseStatus::BinaryFrame)
        text = QString::fromLatin1(
            payload.first(qMin<qsizetype>(payload.size(), MaxRawChars / 3)).toByteArray().toHex(' '));
    else
        text = QString::fromUtf8(payload.data(), payload.size());
    if (text.size() > MaxRawChars) {
        const qsizetype rest = text.size() - MaxRawChars;
        text.truncate(MaxRawChars);
        text += u'\n' + tr("[… %1 more characters not shown]").arg(rest);
    }
    if (rec.hasFlag(RecordFlag::PayloadTruncated))
        text += u'\n' + tr("[the store keeps only the first %1 bytes of this frame]").arg(rec.payloadSize);
    m_raw->setPlainText(text);
}

void DetailsPane::renderDiff()
{
    m_diff->clear();
    if (m_index < 0)
        return;
    const EventRecord& rec = m_session->store().at(quint64(m_index));
    static const quint16 legacyRowUpdated = TypeRegistry::instance().findKnown("row_updated");
    if ((rec.typeId != KnownType::RowsUpdated && rec.typeId != legacyRowUpdated) || !m_parsed) {
        m_diffInfo->setText(tr("Only rows_updated events have a before/after comparison."));
        return;
    }
    const Directory& dir = m_session->directory();
    if (rec.tableId && !dir.hasFields(rec.tableId) && !m_fieldsRequested.contains(rec.tableId)) {
        // Field names come with the table's fields: fetch them once; fieldsChanged re-renders.
        m_fieldsRequested.insert(rec.tableId);
        QPointer<DetailsPane> self(this);
        const quint32 table = rec.tableId;
        m_session->probeTable(table, [self, table](qint64, const RestError&) {
            if (self && self->m_index >= 0
                && self->m_session->store().at(quint64(self->m_index)).tableId == table)
                self->renderDiff();
        });
    }

    const QList<RowDiff> diffs = RowDiff::fromRowsUpdated(m_json, &dir, rec.tableId);
    int changed = 0;
    const QColor beforeColour(220, 60, 60, 60);
    const QColor afterColour(60, 180, 75, 70);
    const QBrush unchanged = palette().brush(QPalette::Disabled, QPalette::Text);
    for (const RowDiff& diff : diffs) {
        auto* row = new QTreeWidgetItem(m_diff);
        row->setText(0, tr("Row %1").arg(diff.rowId));
        row->setText(1,
            (diff.changedCount == 1 ? tr("1 changed field")
                                    : tr("%1 changed fields").arg(diff.changedCount)));
        row->setData(0, Qt::UserRole, diff.rowId);
        row->setToolTip(0, tr("Double-click to open the table"));
        QFont bold = row->font(0);
        bold.setBold(true);
        row->setFont(0, bold);
        row->setFirstColumnSpanned(false);
        changed += diff.changedCount;
        for (const RowDiff::Cell& cell : diff.cells) {
            auto* item = new QTreeWidgetItem(row);
            item->setText(0, cell.name);
            item->setToolTip(0, cell.key);
            item->setText(1, cell.hasBefore ? cell.before : tr("(absent)"));
            item->setText(2, cell.hasAfter ? cell.after : tr("(absent)"));
            item->setToolTip(1, cell.before);
            item->setToolTip(2, cell.after);
            item->setData(0, Qt::UserRole, diff.rowId);
            if (cell.changed) {
                item->setFont(0, bold);
                item->setBackground(1, beforeColour);
                item->setBackground(2, afterColour);
            } else if (cell.touched) {
                // Written with the value it had: Baserow still lists it as updated.
                QFont italic = item->font(2);
                italic.setItalic(true);
                item->setFont(2, italic);
                item->setText(2, tr("%1 (written, unchanged)").arg(cell.after));
            } else {
                for (int c = 0; c < 3; ++c)
                    item->setForeground(c, unchanged);
            }
        }
        row->setExpanded(true);
    }
    QString info = (diffs.size() == 1 ? tr("1 row") : tr("%1 rows").arg(diffs.size())) + QStringLiteral(" · ")
        + (changed == 1 ? tr("1 changed cell") : tr("%1 changed cells").arg(changed));
    if (rec.tableId && !dir.hasFields(rec.tableId))
        info += QStringLiteral(" · ") + tr("loading field names…");
    m_diffInfo->setText(info);
}

void DetailsPane::onLink(const QString& href)
{
    const QStringList parts = href.split(u':');
    if (parts.size() < 2)
        return;
    const quint32 id = parts.at(1).toUInt();
    if (parts.at(0) == QLatin1String("ws"))
        emit workspaceActivated(id);
    else if (parts.at(0) == QLatin1String("app"))
        emit applicationActivated(id);
    else if (parts.at(0) == QLatin1String("table"))
        emit tableActivated(id);
    else if (parts.at(0) == QLatin1String("row") && parts.size() == 3)
        emit rowActivated(id, parts.at(2).toLongLong());
}

void DetailsPane::onSearch(const QString& text)
{
    m_proxy->setSearchText(text);
    if (text.isEmpty()) {
        m_searchInfo->clear();
        m_tree->expandToDepth(m_json.size() > 400 ? 0 : 2);
        return;
    }
    const int n = m_proxy->matchCount();
    m_searchInfo->setText(n ? (n == 1 ? tr("1 match") : tr("%1 matches").arg(n)) : tr("no match"));
    if (m_json.size() <= 5000)
        m_tree->expandAll();
}

} // namespace bmon
