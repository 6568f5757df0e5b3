// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace bmon::sim {

/*!
 * One fault knob of the simulator. Grammar: `[conn=N:|user=EMAIL:]SPEC` with SPEC one of
 * `drop=P`, `duplicate=P`, `reorder=P`, `malformed=P` (P in [0,1], per broadcast frame),
 * `drop-type=TYPE@N`, `duplicate-type=TYPE@N`, `reorder-type=TYPE@N`, `delay=MS`,
 * `close=CODE@SECONDS`, `stall@SECONDS`, `expire-tokens=SECONDS`, `burst=N@SECONDS`,
 * `restart@SECONDS`, `silent-update@SECONDS`, `silent-create@SECONDS`, `silent-delete@SECONDS`.
 * Seconds may be fractional. A bare SPEC applies to every connection; burst, restart and the
 * silent-* knobs are server-wide and take no scope; expire-tokens takes user= only.
 *
 * Targeted knobs (for compare tests, deterministic): drop-type drops the Nth message of TYPE to
 * a connection; duplicate-type delivers it twice in a row; reorder-type holds it back and
 * delivers it right after the next broadcast to that connection (or after one second when none
 * follows, so nothing is lost). N counts the broadcasts of TYPE sent to that connection since it
 * opened; control frames (authentication, page_add, page_discard, force_disconnect) never count
 * and cannot be targeted. The silent-* knobs change the data "behind the server's back" once,
 * SECONDS after start: a seeded row of the first table (CRM → Customers) updated, created or
 * deleted with no broadcast at all.
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
        DuplicateType,
        ReorderType,
        Delay,
        Close,
        Stall,
        ExpireTokens,
        Burst,
        Restart,
        SilentUpdate,
        SilentCreate,
        SilentDelete
    };

    Kind kind = Kind::Drop;
    int connection = 0; //!< conn=N scope (1-based), 0 = any connection
    QString userEmail; //!< user=EMAIL scope, empty = any user
    double probability = 0; //!< drop, duplicate, reorder, malformed
    QString messageType; //!< drop-type, duplicate-type, reorder-type
    int count = 0; //!< *-type: the Nth message (1-based); burst: number of events
    int delayMs = 0; //!< delay
    int closeCode = 0; //!< close
    double seconds = 0; //!< close, stall, expire-tokens, burst, restart, silent-*

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
