// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

namespace bmon {

/*!
 * The application palette: the system's by default, or a light or dark override (QPalette, no
 * style sheets). The choice is persisted by the caller (AppSettings).
 */
class Theme : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        System,
        Light,
        Dark
    };
    Q_ENUM(Mode)

    //! Applies \a mode to the whole application (QApplication must exist).
    static void apply(Mode mode);
    static Mode current();
    static bool isDark(); //!< the palette in use is dark (for colours drawn by hand)

    static QString modeName(Mode mode); //!< "system", "light", "dark"
    static Mode modeFromName(const QString& name); //!< System for anything unknown
};

} // namespace bmon
