// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace bmon::sim {

class PyArray;
class PyObject;

/*!
 * An ordered JSON value as Python's json module sees it: integers and floats are distinct, object
 * keys keep insertion order. QJsonObject sorts keys and merges int/float, so every frame and REST
 * body the simulator writes goes through this type and pyDumps(). Containers are shared
 * immutably between copies, which makes copying a row image cheap.
 */
class PyValue
{
public:
    enum class Type : quint8
    {
        Null,
        Bool,
        Int,
        Double,
        String,
        Array,
        Object
    };

    PyValue() = default;
    PyValue(std::nullptr_t) { }
    PyValue(bool b);
    PyValue(int i);
    PyValue(qint64 i);
    PyValue(double d);
    PyValue(const QString& s);
    PyValue(QLatin1String s);
    PyValue(PyArray a);
    PyValue(PyObject o);

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isInt() const { return m_type == Type::Int; }
    bool isDouble() const { return m_type == Type::Double; }
    bool isNumber() const { return m_type == Type::Int || m_type == Type::Double; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool toBool() const { return m_type == Type::Bool && m_scalar.b; }
    qint64 toInt(qint64 fallback = 0) const;
    double toDouble(double fallback = 0) const;
    QString toString() const { return m_string; }
    const PyArray& array() const; //!< empty array unless isArray()
    const PyObject& object() const; //!< empty object unless isObject()

    //! Python truthiness: None, False, 0, 0.0, "", [] and {} are false.
    bool truthy() const;
    //! Python ==: 1 == 1.0 == True; containers compare element-wise.
    bool pyEquals(const PyValue& other) const;

    //! From Qt JSON (key order of objects is QJsonObject's sorted order).
    static PyValue fromJson(const QJsonValue& value);
    QJsonValue toJson() const;

private:
    Type m_type = Type::Null;
    union {
        bool b;
        qint64 i;
        double d;
    } m_scalar {};
    QString m_string;
    std::shared_ptr<const PyArray> m_array;
    std::shared_ptr<const PyObject> m_object;
};

//! An ordered list of values.
class PyArray
{
public:
    PyArray() = default;
    PyArray(std::initializer_list<PyValue> values) : m_items(values) { }
    void append(PyValue v) { m_items.push_back(std::move(v)); }
    qsizetype size() const { return qsizetype(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }
    const PyValue& at(qsizetype i) const { return m_items[size_t(i)]; }
    void reserve(qsizetype n) { m_items.reserve(size_t(n)); }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }

private:
    std::vector<PyValue> m_items;
};

//! An insertion-ordered dict. Lookups are linear: Baserow objects have a handful of keys.
class PyObject
{
public:
    using Item = std::pair<QString, PyValue>;
    PyObject() = default;
    PyObject(std::initializer_list<Item> items);

    //! Sets \a key, replacing the value in place when present (Python dict semantics).
    PyObject& insert(const QString& key, PyValue value);
    PyObject& insert(QLatin1String key, PyValue value) { return insert(QString(key), std::move(value)); }
    //! Appends without the duplicate check: the caller guarantees \a key is not present.
    void appendNew(QString key, PyValue value) { m_items.emplace_back(std::move(key), std::move(value)); }
    //! Replaces the value at \a index (0 <= index < size()).
    void replaceAt(qsizetype index, PyValue value) { m_items[size_t(index)].second = std::move(value); }
    bool contains(QStringView key) const { return find(key) != nullptr; }
    //! The value or null when absent.
    PyValue value(QStringView key) const;
    const PyValue* find(QStringView key) const;
    void remove(QStringView key);
    qsizetype size() const { return qsizetype(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }

private:
    std::vector<Item> m_items;
};

//! Python json.dumps() with default arguments: ", " and ": " separators, ensure_ascii (lower-case
//! \uXXXX, UTF-16 surrogate pairs), floats like repr(). The result is pure ASCII.
QByteArray pyDumps(const PyValue& value);
void pyDumpsAppend(const PyValue& value, QByteArray& out);

//! Parses JSON text like json.loads (object key order kept, int vs float kept, duplicate keys:
//! the last wins). std::nullopt and a message on error; nesting deeper than \a maxDepth fails.
std::optional<PyValue> pyLoads(QByteArrayView text, QString* error = nullptr, int maxDepth = 256);

} // namespace bmon::sim
