"""What the daemon's tests share: wtosearchd started on a free loopback
port, its stderr kept in a file, stopped with a signal."""
import os
import selectors
import signal
import subprocess
import tempfile
import time


class Daemon:
    """wtosearchd listening on HOST, port 0: the port it reports is read
    from its first line of output."""

    def __init__(self, exe, scratch, *args, host='127.0.0.1', start_timeout=30, env=None):
        self.errpath = tempfile.mktemp(prefix='wtosearchd-', suffix='.err', dir=scratch)
        self.errfile = open(self.errpath, 'wb')
        self.proc = subprocess.Popen([exe, '--listen', host + ':0', *args],
                                     stdout=subprocess.PIPE, stderr=self.errfile,
                                     stdin=subprocess.DEVNULL, env=env)
        line = self._first_line(start_timeout)
        prefix = 'listening on http://%s:' % host
        if not line.startswith(prefix):
            self.stop()
            raise AssertionError('no "listening on" line, got %r; stderr:\n%s' % (line, self.stderr()))
        self.port = int(line[len(prefix):])

    def _first_line(self, start_timeout):
        buf = b''
        deadline = time.monotonic() + start_timeout
        fd = self.proc.stdout.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        try:
            while b'\n' not in buf and time.monotonic() < deadline:
                if sel.select(timeout=max(0.0, deadline - time.monotonic())):
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    buf += chunk
        finally:
            sel.close()
        return buf.split(b'\n')[0].decode('utf-8', 'replace').strip()

    def stderr(self):
        if not self.errfile.closed:
            self.errfile.flush()
        with open(self.errpath, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.errfile.close()
        return self.proc.returncode


# What in the daemon's stderr means it crashed or leaked.
CRASH_MARKS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error', 'terminate called',
               'Segmentation', 'Aborted', 'core dumped', '    #0 ', 'double free')


def run_tests(daemon, tests, call, needs_daemon=lambda test: True, width=20):
    """Runs each test (call(test) raises on failure) against a running
    daemon, then stops it: it must exit 0 with nothing alarming on stderr.
    Returns (passed, failed)."""
    passed = failed = 0
    for test in tests:
        name = test.__name__[len('test_'):]
        t0 = time.monotonic()
        try:
            if daemon.proc.poll() is not None and needs_daemon(test):
                raise AssertionError('the daemon is gone (exit %r)' % daemon.proc.returncode)
            call(test)
            passed += 1
            print('ok   %-*s %.2fs' % (width, name, time.monotonic() - t0), flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failed += 1
            print('FAIL %-*s %s' % (width, name, e), flush=True)
    rc = daemon.stop()
    err = daemon.stderr()
    if any(m in err for m in CRASH_MARKS):
        failed += 1
        print('FAIL daemon stderr:\n' + err[-5000:])
    elif rc != 0:
        failed += 1
        print('FAIL daemon exit status %r\n%s' % (rc, err[-3000:]))
    else:
        passed += 1
        print('ok   %-*s' % (width, 'clean exit'))
    return passed, failed
