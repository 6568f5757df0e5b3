// SPDX-License-Identifier: MIT
#include "signalwatcher.h"

#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace bmon {

namespace {

int s_pipe[2] = {-1, -1};
volatile std::sig_atomic_t s_count = 0;

extern "C" void onSignal(int number)
{
    s_count = s_count + 1;
    if (s_count > 1)
        _exit(128 + number); // the user insists
    const char byte = char(number);
    [[maybe_unused]] const auto written = ::write(s_pipe[1], &byte, 1);
}

} // namespace

SignalWatcher::SignalWatcher(QObject* parent) : QObject(parent)
{
    if (s_pipe[0] < 0 && ::pipe(s_pipe) == 0) {
        ::fcntl(s_pipe[0], F_SETFD, FD_CLOEXEC);
        ::fcntl(s_pipe[1], F_SETFD, FD_CLOEXEC);
        ::fcntl(s_pipe[1], F_SETFL, O_NONBLOCK);
    }
    if (s_pipe[0] < 0)
        return;
    m_notifier = new QSocketNotifier(s_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::onReadable);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    // Output to a closed pipe (`| head`) must end the run quietly, not kill it mid-write.
    std::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::~SignalWatcher()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

void SignalWatcher::onReadable()
{
    char byte = 0;
    if (::read(s_pipe[0], &byte, 1) == 1)
        emit terminationRequested(int(byte));
}

} // namespace bmon
