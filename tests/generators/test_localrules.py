"""Local rules the documents read: standards in force and their rises from either form of policy.toml,
issuers per township with the county as fallback, population, retention."""

from __future__ import annotations

import pytest

from archiver import localrules
from archiver.policy import DEFAULT_TEXT, parse

pytestmark = pytest.mark.unit


def test_standards_from_yearly_tables() -> None:
    p = parse(DEFAULT_TEXT.replace('[standards.2025]\n"城市" = 720\n"农村" = 560',
                                   '[standards.2025]\n"城市" = 760\n"农村" = 600'))
    in_force, rises = localrules.standards_of_year(p, 2025)
    assert in_force == {"城市": 760, "农村": 600}
    assert [(r.start, r.area_type, r.old, r.new) for r in rises] == [("2025-01-01", "城市", 720, 760),
                                                                    ("2025-01-01", "农村", 560, 600)]
    assert localrules.standards_of_year(p, 2024) == ({"城市": 720, "农村": 560}, [])


def test_dated_standards_win_over_yearly_tables() -> None:
    text = DEFAULT_TEXT + ('\n[[standard]]\nfrom = "2024-01-01"\n"城市" = 720\n"农村" = 560\n'
                           '\n[[standard]]\nfrom = "2025-07-01"\n"城市" = 720\n"农村" = 600\n')
    in_force, rises = localrules.standards_of_year(parse(text), 2025)
    assert in_force == {"城市": 720, "农村": 600}
    assert [(r.start, r.area_type, r.new) for r in rises] == [("2025-07-01", "农村", 600)]
    assert localrules.standards_of_year(parse(text), 2023) == ({}, [])


def test_issuer_population_retention() -> None:
    p = parse(DEFAULT_TEXT.replace("[issuers]\n", '[issuers]\n"南街街道" = "南街街道办事处"\n')
              .replace("[population]\n", '[population]\n"全县" = 350000\n'))
    assert localrules.issuer(p, "南街街道") == "南街街道办事处"
    assert localrules.issuer(p, "城关镇") == "【待填写：单位名称】"  # the county office's name is still the default
    named = parse(DEFAULT_TEXT.replace('name = "某某县民政局"', 'name = "样例县民政局"'))
    assert localrules.issuer(named, "城关镇") == "样例县民政局"
    assert localrules.population(p, None) == 350000 and localrules.population(p, "城关镇") is None
    assert localrules.retention_years(p) == (3, 5)
