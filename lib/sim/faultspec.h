// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace bmon::sim {

/*!
 * One fault knob of the simulator. Grammar: `[conn=N:|user=EMAIL:]SPEC` with SPEC one of
 * `drop=P`, `duplicate=P`, `reorder=P`, `malformed=P` (P in [0,1], per broadcast frame),
 * `drop-type=TYPE@N`, `delay=MS`, `close=CODE@SECONDS`, `stall@SECONDS`, `expire-tokens=SECONDS`,
 * `burst=N@SECONDS`, `restart@SECONDS`. Seconds may be fractional. A bare SPEC applies to every
 * connection; burst and restart are server-wide and take no scope; expire-tokens takes user= only.
 */
struct FaultSpec
{
    enum class Kind
    {
        Drop,
        Duplicate,
        Reorder,
        Malformed,
        DropType,
        Delay,
        Close,
        Stall,
        ExpireTokens,
        Burst,
        Restart
    };

    Kind kind = Kind::Drop;
    int connection = 0; //!< conn=N scope (1-based), 0 = any connection
    QString userEmail; //!< user=EMAIL scope, empty = any user
    double probability = 0; //!< drop, duplicate, reorder, malformed
    QString messageType; //!< drop-type
    int count = 0; //!< drop-type: the Nth message; burst: number of events
    int delayMs = 0; //!< delay
    int closeCode = 0; //!< close
    double seconds = 0; //!< close, stall, expire-tokens, burst, restart

    //! Parses one knob; std::nullopt and a translated message naming the problem on error.
    static std::optional<FaultSpec> parse(const QString& spec, QString* error);
    //! The canonical spec text (parse(toString()) gives the same knob).
    QString toString() const;
    //! True when the knob acts on single connections (as opposed to the server or tokens).
    bool isPerConnection() const;
    //! Whether the scope matches a connection (\a email empty when not logged in).
    bool appliesTo(int connectionNumber, const QString& email) const;
};

} // namespace bmon::sim
