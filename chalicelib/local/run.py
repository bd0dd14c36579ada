"""`make run`: emulator + provisioning + demo data + SQS pump + scheduler + `chalice local` (chalicelib.local.gateway).

Everything runs on 127.0.0.1; Ctrl-C stops everything this started. The emulator is in memory,
so every run starts again from the seed data.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time

log = logging.getLogger("qygs.local")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_http(url: str, seconds: float) -> bool:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    api_port = int(os.environ.get("API_PORT", "8000"))
    moto_port = int(os.environ.get("MOTO_PORT", "4566"))
    for port, what in ((api_port, "API_PORT"), (moto_port, "MOTO_PORT")):
        if not _port_free(port):
            print(f"端口 {port} 已被占用 / port {port} is in use: set {what}=<other port>", file=sys.stderr)
            return 2

    from chalicelib.local import emulator

    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint, "STAGE": "local",
        "RESOURCE_PREFIX": "qygs-local", "BUCKET_PREFIX": "qygs-local", "WEBHOOK_ALLOW_PRIVATE": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
    })
    server = emulator.start(moto_port)
    children: list[subprocess.Popen] = []
    threads = []
    try:
        from chalicelib import container
        from chalicelib.local.provision import provision
        from chalicelib.local.seed import seed

        env = provision(container.get_container().aws)
        os.environ.update(env)
        container.reset()
        accounts = seed(container.get_container())

        import app as app_module
        from chalicelib.local.pump import Pump
        from chalicelib.local.scheduler import Scheduler

        sqs = container.get_container().aws.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=container.get_container().settings.queue("upload-events"))["QueueUrl"]
        threads = [Pump(sqs, queue_url, app_module.upload_worker), Scheduler(app_module.job_runner)]
        for t in threads:
            t.start()

        # `chalice local --no-autoreload` with a gateway that answers unknown paths as API Gateway does
        children.append(subprocess.Popen(
            [sys.executable, "-m", "chalicelib.local.gateway", "--host", "127.0.0.1", "--port", str(api_port),
             "--stage", "local"], env=os.environ.copy()))
        base = f"http://127.0.0.1:{api_port}"
        if not _wait_http(f"{base}/health", 60):
            print("chalice local did not answer /health within 60 s", file=sys.stderr)
            return 1
        print(f"""
================ 涉企信息统一归集公示平台 (local) ================
API        {base}/health   {base}/v1/catalog
Pages      {base}/                     (公示查询 / 部门门户)
Emulator   {endpoint}   (moto server, in memory)
Accounts   password for all: {os.environ.get('LOCAL_DEMO_PASSWORD', 'Guangyuan#2026')}
           {accounts}
Ctrl-C stops everything.
==================================================================""", flush=True)
        while all(c.poll() is None for c in children):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for t in threads:
            t.stopping.set()
        for child in children:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        server.stop()
        print("stopped.", flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    sys.exit(main())
