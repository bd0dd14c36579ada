"""Dead-letter queues in SQS: a message the platform gave up delivering, for operators to look at."""
from __future__ import annotations

import json


class DeadLetterQueue:
    def __init__(self, sqs, queue_name: str):
        self.sqs = sqs
        self.queue_name = queue_name

    def send(self, message: dict) -> None:
        url = self.sqs.get_queue_url(QueueName=self.queue_name)["QueueUrl"]
        self.sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message, ensure_ascii=False))
