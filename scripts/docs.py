# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the documentation site: plugin and role pages, the guides and the changelog, into .build/docs/html.

Run with the Python of .venv-docs (``make docs``) on the laid-out collection. antsibull-docs writes the plugin and
role pages; the guides stay Markdown (docs/*.md, rendered by myst-parser), their links to other guides are kept and
their links to other repository files point to the repository named in galaxy.yml; the changelog is what
antsibull-changelog renders from the current fragments as the release in galaxy.yml, made in a scratch copy so that
nothing under changelogs/ changes. Sphinx turns warnings into errors, and the build fails naming every page that
should exist and does not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

GUIDE_ORDER = ('usage', 'reports', 'compliance', 'awx', 'execution-environment', 'emulator')
REQUIRED_GUIDES = ('usage', 'reports', 'compliance')
CHANGELOG_INPUTS = ('galaxy.yml', 'changelogs', 'meta', 'plugins', 'roles')
ONE_PLUGIN_PER_FILE = {'modules': 'module', 'lookup': 'lookup', 'callback': 'callback', 'inventory': 'inventory'}
FENCE = re.compile(r'^\s*(`{3,}|~{3,})')
INLINE_LINK = re.compile(r'(?P<code>`+).*?(?P=code)|(?P<open>!?\[[^\]]*\]\()(?P<target><[^>]*>|[^)\s]+)')
REFERENCE_DEFINITION = re.compile(r'^(?P<open> {0,3}\[[^\]]+\]:\s*)(?P<target><[^>]*>|\S+)')
URL_SCHEME = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:')


class DocsError(Exception):
    """A problem with the sources or the build, reported without a traceback."""


def run(args: list[str], env: dict[str, str], cwd: str | None = None) -> str:
    """Run a tool of the docs virtualenv and return its output; fail with its output when it fails."""
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode:
        command = ' '.join([os.path.basename(args[0])] + args[1:3])
        raise DocsError('%s failed (exit %d):\n%s%s' % (command, proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def guide_names(docs_dir: str) -> list[str]:
    """docs/*.md in reading order: the known guides first, in a fixed order, then any others by name."""
    found = {name[:-3] for name in os.listdir(docs_dir) if name.endswith('.md')}
    missing = [name for name in REQUIRED_GUIDES if name not in found]
    if missing:
        raise DocsError('missing guide(s): %s' % ', '.join('docs/%s.md' % name for name in missing))
    return [name for name in GUIDE_ORDER if name in found] + sorted(found - set(GUIDE_ORDER))


def link_target(target: str, guide: str, root: str, guides: list[str], repository: str) -> str:
    """Where a guide's link goes in the site: another guide stays a relative .md link, a repository file a URL."""
    bare = target[1:-1] if target.startswith('<') else target
    if not bare or bare.startswith('#') or URL_SCHEME.match(bare):
        return target
    path, hash_sign, anchor = bare.partition('#')
    resolved = os.path.normpath(os.path.join('docs', path))
    if resolved.startswith('..') or not os.path.exists(os.path.join(root, resolved)):
        raise DocsError('docs/%s.md links to %s, which is not a file of the repository' % (guide, target))
    if os.path.dirname(resolved) == 'docs' and resolved.endswith('.md') and os.path.basename(resolved)[:-3] in guides:
        return os.path.basename(resolved) + hash_sign + anchor
    if not repository:
        raise DocsError('docs/%s.md links to %s, and galaxy.yml names no repository to link to' % (guide, target))
    kind = 'tree' if os.path.isdir(os.path.join(root, resolved)) else 'blob'
    return '%s/%s/HEAD/%s%s%s' % (repository.rstrip('/'), kind, resolved.replace(os.sep, '/'), hash_sign, anchor)


def rewrite_links(text: str, guide: str, root: str, guides: list[str], repository: str) -> str:
    """Rewrite the link targets of one Markdown guide, leaving code blocks and code spans alone."""
    def inline(match: re.Match) -> str:
        if match.group('code'):
            return match.group(0)
        return match.group('open') + link_target(match.group('target'), guide, root, guides, repository)

    lines, fence = [], None
    for line in text.splitlines(keepends=True):
        marker = FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
        elif marker:
            fence = marker.group(1)
        else:
            definition = REFERENCE_DEFINITION.match(line)
            if definition:
                line = definition.group('open') + link_target(definition.group('target'), guide, root, guides,
                                                              repository) + line[definition.end():]
            else:
                line = INLINE_LINK.sub(inline, line)
        lines.append(line)
    return ''.join(lines)


def render_changelog(collection: str, work: str, galaxy: dict, env: dict[str, str]) -> str:
    """CHANGELOG.rst for the version in galaxy.yml, released in a scratch copy when it is not released yet."""
    copy = os.path.join(work, 'ansible_collections', galaxy['namespace'], galaxy['name'])
    shutil.rmtree(work, ignore_errors=True)
    for name in CHANGELOG_INPUTS:
        src = os.path.join(collection, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(copy, name))
        elif os.path.isfile(src):
            os.makedirs(copy, exist_ok=True)
            shutil.copy2(src, os.path.join(copy, name))
    version = str(galaxy['version'])
    with open(os.path.join(copy, 'changelogs', 'changelog.yaml'), encoding='utf-8') as changes:
        released = version in (yaml.safe_load(changes).get('releases') or {})
    run(['antsibull-changelog'] + (['generate'] if released else ['release', '--version', version]), env, cwd=copy)
    with open(os.path.join(copy, 'CHANGELOG.rst'), encoding='utf-8') as rendered:
        text = rendered.read()
    if released:
        return text
    note = ('.. note::\n\n   %s has not been released yet: this is what the changelog fragments in '
            '``changelogs/fragments/`` say so far.\n\n' % version)
    position = text.find('.. contents::')
    return text[:position] + note + text[position:] if position >= 0 else text + '\n' + note


def index_page(galaxy: dict, guides: list[str], reference: list[str]) -> str:
    """The site's front page: what the collection is, then the guides, the reference pages and the changelog."""
    title = '%s.%s' % (galaxy['namespace'], galaxy['name'])
    text = ['%s\n%s\n\n%s\n' % (title, '=' * len(title), galaxy.get('description', ''))]
    if galaxy.get('repository'):
        text.append('Version %s. Sources: `%s <%s>`__.\n' % (galaxy['version'], galaxy['repository'],
                                                             galaxy['repository']))
    for caption, pages in (('Guides', ['guides/' + name for name in guides]), ('Reference', reference),
                           ('Changes', ['changelog'])):
        entries = ''.join('   %s\n' % page for page in pages)
        text.append('.. toctree::\n   :maxdepth: 1\n   :caption: %s\n\n%s' % (caption, entries))
    return '\n'.join(text)


def expected_pages(collection: str, fqcn: str, guides: list[str], env: dict[str, str]) -> dict[str, str]:
    """Page -> text it must contain: one page per plugin and role (as ansible-doc and the file tree list them)."""
    dump = json.loads(run(['ansible-doc', '--metadata-dump', '--no-fail-on-errors', fqcn], env))
    names = {(name, kind) for kind, plugins in dump['all'].items() for name in plugins if name.startswith(fqcn + '.')}
    for directory, kind in ONE_PLUGIN_PER_FILE.items():
        folder = os.path.join(collection, 'plugins', directory)
        if os.path.isdir(folder):
            names.update(('%s.%s' % (fqcn, f[:-3]), kind) for f in os.listdir(folder)
                         if f.endswith('.py') and not f.startswith('_'))
    roles = os.path.join(collection, 'roles')
    if os.path.isdir(roles):
        names.update(('%s.%s' % (fqcn, r), 'role') for r in os.listdir(roles) if os.path.isdir(os.path.join(roles, r)))
    pages = {'collection/%s_%s.html' % (name.rsplit('.', 1)[1], kind): name for name, kind in names}
    pages.update({'guides/%s.html' % name: '' for name in guides})
    pages.update({'index.html': fqcn, 'collection/index.html': fqcn, 'changelog.html': 'Release Notes'})
    return pages


def check_pages(html: str, pages: dict[str, str]) -> list[str]:
    """The expected pages that are missing, or that lack the name they document."""
    problems = []
    for page, needle in sorted(pages.items()):
        path = os.path.join(html, page)
        if not os.path.isfile(path):
            problems.append('%s is missing' % page)
            continue
        with open(path, encoding='utf-8') as handle:
            if needle not in handle.read():
                problems.append('%s does not mention %s' % (page, needle))
    return problems


def write_sources(collection: str, src: str, galaxy: dict, env: dict[str, str]) -> list[str]:
    """Plugin and role pages, guides, changelog and front page into a new <src>; return the guides' names."""
    fqcn = '%s.%s' % (galaxy['namespace'], galaxy['name'])
    guides = guide_names(os.path.join(collection, 'docs'))
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, 'collection'), mode=0o700)  # antsibull-docs writes only where no one else can
    os.makedirs(os.path.join(src, 'guides'))
    run(['antsibull-docs', 'collection', '--use-current', '--squash-hierarchy', '--fail-on-error',
         '--dest-dir', os.path.join(src, 'collection'), fqcn], env)
    for name in guides:
        with open(os.path.join(collection, 'docs', name + '.md'), encoding='utf-8') as handle:
            text = rewrite_links(handle.read(), name, collection, guides, galaxy.get('repository', ''))
        with open(os.path.join(src, 'guides', name + '.md'), 'w', encoding='utf-8') as handle:
            handle.write(text)
    with open(os.path.join(src, 'changelog.rst'), 'w', encoding='utf-8') as handle:
        handle.write(render_changelog(collection, os.path.join(os.path.dirname(src), 'changelog-work'), galaxy, env))
    reference = ['collection/index']
    if os.path.isfile(os.path.join(src, 'collection', 'environment_variables.rst')):
        reference.append('collection/environment_variables')
    with open(os.path.join(src, 'index.rst'), 'w', encoding='utf-8') as handle:
        handle.write(index_page(galaxy, guides, reference))
    return guides


def build(collection: str, out: str) -> str:
    """Generate the sources into <out>/src, build <out>/html and check it; return a one-line summary."""
    with open(os.path.join(collection, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    fqcn = '%s.%s' % (galaxy['namespace'], galaxy['name'])
    parts = collection.split(os.sep)
    if parts[-3:] != ['ansible_collections', galaxy['namespace'], galaxy['name']]:
        raise DocsError('%s is not laid out as ansible_collections/%s/%s (run make layout)'
                        % (collection, galaxy['namespace'], galaxy['name']))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.sep.join(parts[:-3]), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    src, html = os.path.join(out, 'src'), os.path.join(out, 'html')
    guides = write_sources(collection, src, galaxy, env)
    shutil.rmtree(html, ignore_errors=True)
    run([sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-n', '-E', '-q', '-b', 'html',
         '-c', os.path.join(collection, 'docs', 'site'), '-d', os.path.join(out, 'doctrees'), src, html], env)
    pages = expected_pages(collection, fqcn, guides, env)
    problems = check_pages(html, pages)
    if problems:
        raise DocsError('the site lacks pages:\n  ' + '\n  '.join(problems))
    plugins = sum(page.startswith('collection/') and page != 'collection/index.html' for page in pages)
    return 'site built: %s/index.html; %d pages checked (%d plugins and roles, %d guides, changelog)' % (
        html, len(pages), plugins, len(guides))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', default='.build/ansible_collections/ionos/activitylog',
                        help='the laid-out collection (default: %(default)s)')
    parser.add_argument('--out', default='.build/docs', help='where the sources and the site go (default: %(default)s)')
    args = parser.parse_args()
    try:
        print(build(os.path.abspath(args.collection), os.path.abspath(args.out)))
    except DocsError as error:
        print('docs: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
