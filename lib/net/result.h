// SPDX-License-Identifier: MIT
#pragma once

#include "net/resterror.h"

#include <functional>
#include <optional>
#include <utility>

namespace bmon {

/*!
 * The outcome of an asynchronous REST call: a value or a RestError, never both.
 *
 * \code
 * rest->listFields(21, this, [this](const Result<QList<Field>>& r) {
 *     if (!r) return showError(r.error().message);
 *     use(r.value());
 * });
 * \endcode
 */
template<class T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) { }
    Result(RestError error) : m_error(std::move(error)) { Q_ASSERT(m_error.isError()); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    //! The value; only valid when ok().
    const T& value() const { return *m_value; }
    T& value() { return *m_value; }
    const T* operator->() const { return &*m_value; }
    //! The error; kind None when ok().
    const RestError& error() const { return m_error; }

private:
    std::optional<T> m_value;
    RestError m_error;
};

//! A call that returns nothing on success.
template<>
class Result<void>
{
public:
    Result() = default;
    Result(RestError error) : m_error(std::move(error)) { }
    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const RestError& error() const { return m_error; }

private:
    RestError m_error;
};

//! Completion callback of a REST call; runs on the client's thread, unless its context is gone.
template<class T>
using Callback = std::function<void(const Result<T>&)>;

} // namespace bmon
