#!/usr/bin/env python3
# Hostile multipart uploads against a running server, N of each kind at once, with the server's memory sampled.
#
#   hostile-multipart.py --url http://127.0.0.1:8080 --pid PID [--concurrency N] [--kinds fields,header,...]
#
# Kinds (sizes from issue 14's hostile run): fields (400 text fields of 1 MiB), header (a 200 MiB part header),
# cr (16 MiB of CR bytes in the file part), crlf (1 GiB of CR LF in the file part), tiny (10,000 tiny parts),
# empty-boundary (Content-Type: multipart/form-data; boundary=). Each request streams its body from a generator,
# so the client holds only one chunk. Prints each request's status and time, the server's VmRSS/VmHWM before,
# during (sampled every 50 ms) and 3 s after, and whether it is still running.
import argparse
import os
import socket
import threading
import time
import urllib.parse

MIB = 1 << 20


def kinds():
    field = b'--b\r\nContent-Disposition: form-data; name="description"\r\n\r\n' + b"d" * MIB + b"\r\n"
    file_head = b'--b\r\nContent-Disposition: form-data; name="f"; filename="x-1.0.tar.gz"\r\n\r\n'
    tiny = b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n"
    return {
        "fields": ("b", b"", field, 400, b"--b--\r\n"),
        "header": ("b", b'--b\r\nContent-Disposition: form-data; name="f"\r\nX-Pad: ', b"h" * MIB, 200, b"\r\n\r\nx\r\n--b--\r\n"),
        "cr": ("b", file_head, b"\r" * MIB, 16, b"\r\n--b--\r\n"),
        "crlf": ("b", file_head, b"\r\n" * (MIB // 2), 1024, b"\r\n--b--\r\n"),
        "tiny": ("b", b"", tiny, 10000, b"--b--\r\n"),
        "empty-boundary": ("", file_head, b"x", 1, b"\r\n--b--\r\n"),
    }


def memory(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) * 1024
    return values


def upload(host, port, path, kind, spec, results):
    boundary, prefix, chunk, count, suffix = spec
    length = len(prefix) + len(chunk) * count + len(suffix)
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    started = time.time()
    answer = b""
    try:
        with socket.create_connection((host, port)) as connection:
            try:
                connection.sendall(head + prefix)
                for _ in range(count):
                    connection.sendall(chunk)
                connection.sendall(suffix)
            except OSError:
                pass  # the server answered early and closed: read what it said
            connection.settimeout(120)
            try:
                while not answer.endswith(b"}"):
                    data = connection.recv(65536)
                    if not data:
                        break
                    answer += data
            except OSError:
                pass
    except OSError as error:
        answer = f"connect failed: {error}".encode()
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "none"
    results.append((kind, status, time.time() - started, answer[-160:].decode(errors="replace")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--kinds", default="fields,header,cr,crlf,tiny,empty-boundary")
    arguments = parser.parse_args()
    url = urllib.parse.urlparse(arguments.url)
    path = "/addpkg?provider=tar&reponame=hostile"
    chosen = {name: spec for name, spec in kinds().items() if name in arguments.kinds.split(",")}

    before = memory(arguments.pid)
    results, samples, done = [], [], threading.Event()

    def sample():
        while not done.is_set():
            try:
                samples.append(memory(arguments.pid)["VmRSS"])
            except OSError:
                return
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=upload, args=(url.hostname, url.port, path, kind, spec, results))
               for kind, spec in chosen.items() for _ in range(arguments.concurrency)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    done.set()
    sampler.join()
    time.sleep(3)
    alive = os.path.exists(f"/proc/{arguments.pid}")
    after = memory(arguments.pid) if alive else {}

    for kind, status, seconds, tail in sorted(results):
        print(f"{kind:15} {status:5} {seconds:7.1f} s  {tail.splitlines()[-1] if tail else ''}")
    print(f"requests: {len(results)} in {elapsed:.1f} s; server running afterwards: {alive}")
    print(f"VmRSS before {before['VmRSS'] / MIB:.0f} MiB, max sampled {max(samples, default=0) / MIB:.0f} MiB, "
          f"3 s after {after.get('VmRSS', 0) / MIB:.0f} MiB; VmHWM {after.get('VmHWM', max(samples, default=0)) / MIB:.0f} MiB")


if __name__ == "__main__":
    main()
