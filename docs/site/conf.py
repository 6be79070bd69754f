# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of the documentation site that scripts/docs.py builds (``sphinx-build -c docs/site``).

It is antsibull-docs' configuration (its theme, its extension, nitpicky references) without intersphinx, which
would need the network: the few references the plugin pages make to the Ansible documentation (action plugins,
common return values, ansible.builtin plugins) are resolved here to docs.ansible.com links, and any other
unresolved reference stays a warning, which fails the ``-W`` build.
"""

from __future__ import annotations

import os
import re

import yaml

ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/latest/'
ANSIBLE_LABELS = {
    'action_plugins': ('plugins/action.html', 'action plugins'),
    'common_return_values': ('reference_appendices/common_return_values.html', 'Common return values'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
}
BUILTIN_LABEL = re.compile(r'^ansible_collections\.ansible\.builtin\.(?P<page>(?P<name>[a-z0-9_]+?)_'
                           r'(?:module|lookup|filter|test|callback|connection|become|inventory|strategy|vars|cache))'
                           r'(?:__(?P<anchor>.+))?$')

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'galaxy.yml'), encoding='utf-8') as galaxy_file:
    GALAXY = yaml.safe_load(galaxy_file)

project = '%s.%s' % (GALAXY['namespace'], GALAXY['name'])
copyright = 'contributors to the %s collection' % project  # pylint: disable=redefined-builtin
release = version = str(GALAXY['version'])
title = html_short_title = html_title = project

extensions = ['sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 4  # links such as usage.md#the-window between the guides

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'
html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
html_context = {'display_github': False}
html_theme_options = {'topbar_links': {'Repository': GALAXY['repository']}} if GALAXY.get('repository') else {}

default_role = 'any'
nitpicky = True


def ansible_docs_link(target: str) -> tuple[str, str] | None:
    """URL and title on docs.ansible.com for a label of the Ansible documentation, or None when unknown."""
    if target in ANSIBLE_LABELS:
        path, label_title = ANSIBLE_LABELS[target]
        return ANSIBLE_DOCS + path, label_title
    match = BUILTIN_LABEL.match(target)
    if not match:
        return None
    url = '%scollections/ansible/builtin/%s.html' % (ANSIBLE_DOCS, match.group('page'))
    if match.group('anchor'):
        url += '#' + match.group('anchor')
    return url, 'ansible.builtin.' + match.group('name')


def resolve_ansible_docs(app, env, node, contnode):  # pylint: disable=unused-argument
    """Turn a :ref: to the Ansible documentation into an external link instead of an unresolved reference."""
    from docutils import nodes  # pylint: disable=import-outside-toplevel

    if node.get('reftype') != 'ref':
        return None
    link = ansible_docs_link(node.get('reftarget', ''))
    if link is None:
        return None
    reference = nodes.reference('', '', internal=False, refuri=link[0])
    reference += contnode if node.get('refexplicit') else nodes.inline(link[1], link[1])
    return reference


def setup(app):
    """Register the resolver for references to the Ansible documentation."""
    app.connect('missing-reference', resolve_ansible_docs)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
