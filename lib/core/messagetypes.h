// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArray>
#include <QString>

#include <string_view>

namespace bmon {

//! A Baserow version as a comparable integer: major * 10000 + minor * 100 + patch.
constexpr int versionCode(int major, int minor, int patch)
{
    return major * 10000 + minor * 100 + patch;
}

//! Ids of the message types the monitor itself reacts to. Every other type is looked up by name.
namespace KnownType {
enum : quint16
{
    None = 0, //!< no type (errors, objects without "type")
    Authentication,
    PageAdd,
    PageDiscard,
    ForceDisconnect,
    PageRequest, //!< a sent {"page": …} subscription request
    RemovePageRequest, //!< a sent {"remove_page": …} request (1.21+)
    RowsCreated,
    RowsUpdated,
    RowsDeleted,
    FirstTableDriven //!< ids from here on are the rest of the catalogue, then interned unknown types
};
}

struct MessageTypeInfo
{
    const char* name;
    Category category;
    int since; //!< versionCode of the first Baserow release that sends it
    int until; //!< versionCode of the last release that sends it (0 = still sent at 1.35.3)
};

/*!
 * Process-wide catalogue of message type names (PROTOCOL.md §4 and §5) plus the unknown types
 * seen at run time. Known types have fixed ids; unknown ones are interned on first sight with
 * category Unknown, up to a cap after which they share one "(other unknown types)" id (the
 * payload still holds the real name). Thread-safe.
 */
class TypeRegistry
{
public:
    static TypeRegistry& instance();

    //! The id for a type name, interning unknown names.
    quint16 intern(std::string_view name);
    //! The id of a known name, or KnownType::None.
    quint16 findKnown(std::string_view name) const;

    QString name(quint16 id) const;
    QByteArray nameUtf8(quint16 id) const;
    Category category(quint16 id) const;
    //! Catalogue entry of a known type, nullptr for None and unknown types.
    const MessageTypeInfo* info(quint16 id) const;
    bool isKnown(quint16 id) const;
    //! Number of ids in use (known + interned unknown).
    int count() const;
    //! The whole built-in catalogue (id = index).
    static const MessageTypeInfo* catalogue(int* size);

    static constexpr quint16 MaxIds = 0xfffe;
    static constexpr quint16 OverflowId = 0xffff;

private:
    TypeRegistry();
    struct Private;
    Private* d;
};

QString categoryName(Category c); //!< stable lower-case name: "database", "control", …
Category categoryFromName(QStringView name, bool* ok = nullptr);

/*!
 * Interned page names ("table", "row", "view", "dashboard", others on sight) for the 8-bit
 * EventRecord::pageId, and a general string pool for view slugs. Thread-safe.
 */
class StringPool
{
public:
    static StringPool& pages();
    static StringPool& slugs();

    //! 0 is reserved for "none"; returns the cap id when full.
    quint32 intern(std::string_view s);
    QString value(quint32 id) const;
    int count() const;

private:
    explicit StringPool(quint32 cap, std::initializer_list<const char*> preset);
    struct Private;
    Private* d;
};

namespace PageName {
enum : quint8
{
    None = 0,
    Table = 1,
    Row = 2,
    View = 3,
    Dashboard = 4
};
}

} // namespace bmon
