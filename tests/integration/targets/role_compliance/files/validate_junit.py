# -*- coding: utf-8 -*-
# Copyright: contributors to the ionos.activitylog collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate a JUnit file against junit.xsd (beside this script) and print its test cases as JSON."""

from __future__ import annotations

import json
import os
import sys
from xml.etree import ElementTree

import xmlschema


def main(path):
    schema = xmlschema.XMLSchema(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'junit.xsd'))
    schema.validate(path)
    cases = {}
    for case in ElementTree.parse(path).getroot().iter('testcase'):
        failure = case.find('failure')
        cases[case.get('name')] = None if failure is None else (failure.text or '')
    print(json.dumps(cases))


if __name__ == '__main__':
    main(sys.argv[1])
