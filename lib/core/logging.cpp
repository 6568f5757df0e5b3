// SPDX-License-Identifier: MIT
#include "core/logging.h"

Q_LOGGING_CATEGORY(lcStore, "bmon.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIngest, "bmon.ingest", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRest, "bmon.net.rest", QtWarningMsg)
Q_LOGGING_CATEGORY(lcWs, "bmon.net.ws", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSim, "bmon.sim", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSimHttp, "bmon.sim.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCli, "bmon.cli", QtWarningMsg)
Q_LOGGING_CATEGORY(lcUi, "bmon.ui", QtWarningMsg)
