// SPDX-License-Identifier: MIT
#include "sim/sampledata.h"

#include "sim/simdata.h"

#include <iterator>

namespace bmon::sim {

namespace {

const char* const kCompanies[] = {"Initech", "Umbrella Corp", "Globex Corporation", "Soylent Industries",
    "Hooli", "Vandelay Industries", "Stark Logistics", "Wayne Analytics", "Cyberdyne Systems", "Tyrell Labs",
    "Wonka Foods", "Acme Tools", "Massive Dynamic", "Aperture Science", "Gringotts Finance", "Oscorp Energy",
    "Pied Piper", "Dunder Mifflin", "Prestige Worldwide", "Monarch Solutions", "Nakatomi Trading",
    "Blue Sun Retail", "Virtucon", "Sterling Cooper", "Bluth Company", "Krusty Brands", "Planet Express",
    "Ollivander Supply", "Gekko & Co", "Duff Breweries", "Zorg Industries", "Rekall Travel",
    "Veidt Enterprises", "Spacely Sprockets", "Cogswell Cogs", "Kramerica", "Paper Street Soap",
    "Los Pollos Hermanos", "Yoyodyne", "Ajax Freight"};
const char* const kSuffixes[] = {"", " GmbH", " Ltd", " BV", " Inc", " SA", " AB", " Oy"};
const char* const kFirstNames[] = {"Ada", "Bram", "Chloé", "Dmitri", "Eva", "Farah", "Gustav", "Hana", "Ivo",
    "Jasmin", "Kofi", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma",
    "Viktor", "Wen", "Yara", "Zoë"};
const char* const kLastNames[] = {"Janssen", "Müller", "Okafor", "Rossi", "Nakamura", "Silva", "Novak",
    "Andersen", "García", "Kowalski", "Dubois", "Haddad", "Lindqvist", "Patel", "van Dijk", "O'Brien",
    "Horvath", "Schmidt", "Tanaka", "Moreau"};
const char* const kPhrases[] = {"Renewal due next month", "Asked for a discount on extra seats",
    "Prefers e-mail over phone", "Migrating from spreadsheets", "Needs SSO before Q3", "Happy with support",
    "Evaluating the premium plan", "Budget approved", "Waiting for legal review", "Called about the invoice",
    "Wants an on-site training", "Moved to the new office in Utrecht"};
const char* const kCampaignWords[] = {"Spring", "Summer", "Autumn", "Winter", "Launch", "Webinar",
    "Retargeting", "Newsletter", "Partner", "Trade fair"};
const char* const kDealWords[] = {"Renewal", "Upsell", "New licence", "Expansion", "Pilot", "Support plan"};

template<size_t N>
QString pick(const char* const (&list)[N], std::mt19937_64& rng)
{
    return QString::fromUtf8(list[rng() % N]);
}

} // namespace

int SampleData::uniform(int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + int(m_rng() % quint64(hi - lo + 1));
}

double SampleData::unit()
{
    return double(m_rng() >> 11) * (1.0 / 9007199254740992.0);
}

QString SampleData::companyName(int index)
{
    // The first rows match the fixtures (1 Initech, 2 Umbrella Corp, …).
    const int n = int(std::size(kCompanies));
    if (index >= 1 && index <= n)
        return QString::fromUtf8(kCompanies[index - 1]);
    return QString(pick(kCompanies, m_rng) + QString::fromUtf8(kSuffixes[m_rng() % std::size(kSuffixes)]));
}

QString SampleData::personName()
{
    return QString(pick(kFirstNames, m_rng) + u' ' + pick(kLastNames, m_rng));
}

QString SampleData::sentence()
{
    return pick(kPhrases, m_rng);
}

QString SampleData::comment()
{
    return pick(kPhrases, m_rng);
}

QString SampleData::date(int yearFrom, int yearTo)
{
    return QStringLiteral("%1-%2-%3")
        .arg(uniform(yearFrom, yearTo))
        .arg(uniform(1, 12), 2, 10, QLatin1Char('0'))
        .arg(uniform(1, 28), 2, 10, QLatin1Char('0'));
}

PyValue SampleData::value(const SimTable& table, const SimField& field, int index)
{
    if (field.primary) {
        switch (table.id) {
        case 21:
            return companyName(index);
        case 23:
            return QString(pick(kDealWords, m_rng) + QStringLiteral(" – ") + companyName(0));
        case 31:
            return QString(pick(kCampaignWords, m_rng) + u' ' + QString::number(uniform(2024, 2026)));
        default:
            return personName();
        }
    }
    if (table.id == 21 && field.id == 102 && index == 1)
        return QStringLiteral("25"); // fixtures
    return randomValue(table, field);
}

PyValue SampleData::randomValue(const SimTable& table, const SimField& field)
{
    const QString& type = field.type;
    if (field.primary)
        return value(table, field, 0);
    if (type == QLatin1String("number")) {
        if (field.numberDecimalPlaces > 0) {
            const qint64 cents = qint64(uniform(50, 250000)) * 10;
            return QString(QString::number(cents / 100) + u'.'
                + QStringLiteral("%1").arg(cents % 100, 2, 10, QLatin1Char('0')));
        }
        return QString::number(uniform(1, table.id == 32 ? 100 : 500));
    }
    if (type == QLatin1String("boolean"))
        return PyValue(unit() < 0.6);
    if (type == QLatin1String("single_select")) {
        if (field.selectOptions.isEmpty() || unit() < 0.1)
            return PyValue();
        return PyValue(field.selectOptions.at(uniform(0, int(field.selectOptions.size()) - 1)).id);
    }
    if (type == QLatin1String("date"))
        return unit() < 0.1 ? PyValue() : PyValue(date(2025, 2027));
    if (type == QLatin1String("long_text"))
        return unit() < 0.3 ? PyValue() : PyValue(sentence());
    if (type == QLatin1String("email")) {
        QString name = personName().toLower();
        name.replace(u' ', u'.');
        name.replace(u'\'', QString());
        return QString(name + QStringLiteral("@example.com"));
    }
    if (type == QLatin1String("link_row"))
        return PyArray {};
    return unit() < 0.2 ? PyValue() : PyValue(sentence());
}

} // namespace bmon::sim
