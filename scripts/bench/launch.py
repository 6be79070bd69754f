# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""launch.py USAGE_FILE -- COMMAND...: run COMMAND, write its CPU seconds and peak RSS as JSON, exit with its status.

Peak RSS (ru_maxrss) also counts what a child held between fork and exec: a child forked from the bench, which
holds the floor's pages, would report the bench's size. Forked from this small interpreter instead, the figure
is the command's own (with its descendants).
"""

import json
import os
import sys


def main(argv):
    usage_file, command = argv[0], argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _pid, status, usage = os.wait4(pid, 0)
    with open(usage_file, 'w', encoding='utf-8') as handle:
        json.dump({'cpu': usage.ru_utime + usage.ru_stime, 'maxrss_kb': usage.ru_maxrss}, handle)
    return os.waitstatus_to_exitcode(status)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
