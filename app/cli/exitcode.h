// SPDX-License-Identifier: MIT
#pragma once

namespace bmon {

//! baserow-monitor-cli exit codes, shared by every subcommand (ARCHITECTURE.md, "Command-line
//! contract"). Scripts rely on these numbers: never renumber.
enum ExitCode : int
{
    ExitOk = 0,
    ExitOther = 1, //!< anything else
    ExitBadArguments = 2, //!< bad arguments or an unreadable input file
    ExitDivergences = 3, //!< compare found divergences
    ExitAuthRefused = 4, //!< wrong credentials, expired or revoked tokens, password changed
    ExitUnreachable = 5, //!< server unreachable, or the connection lost before the first live state
    ExitTls = 6, //!< TLS failure
    ExitNotBaserow = 7, //!< not a Baserow server, or an unsupported version
};

} // namespace bmon
