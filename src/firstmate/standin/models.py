"""Stand-ins for language-model APIs (OpenAI-compatible chat, Anthropic Messages, Bedrock
Converse) answering with whatever a test scripts: good JSON, a made-up number, nonsense, an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class ModelScript:
    """What the model says: one reply per call, repeating the last; `fail` answers 500."""

    replies: list[str] = field(default_factory=lambda: ["- noted"])
    fail: bool = False
    prompts: list[str] = field(default_factory=list)

    def next(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]


def routes(script: ModelScript) -> list[Route]:
    """Routes for the three API shapes."""

    async def openai(request: Request) -> JSONResponse:
        body = await request.json()
        if script.fail:
            return JSONResponse({"error": {"message": "model overloaded", "type": "server_error"}}, status_code=500)
        text = script.next(body["messages"][-1]["content"])
        return JSONResponse(
            {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
             "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        )  # fmt: skip

    async def anthropic(request: Request) -> JSONResponse:
        body: dict[str, Any] = await request.json()
        if script.fail:
            return JSONResponse(
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, status_code=529
            )
        text = script.next(body["messages"][-1]["content"])
        return JSONResponse(
            {"id": "msg_01", "type": "message", "role": "assistant", "model": body["model"],
             "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
             "usage": {"input_tokens": 1, "output_tokens": 1}}
        )  # fmt: skip

    async def bedrock(request: Request) -> JSONResponse:
        body: dict[str, Any] = await request.json()
        if script.fail:
            return JSONResponse({"message": "Model is busy"}, status_code=503)
        text = script.next(body["messages"][-1]["content"][0]["text"])
        return JSONResponse(
            {"output": {"message": {"role": "assistant", "content": [{"text": text}]}}, "stopReason": "end_turn",
             "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 5}}
        )  # fmt: skip

    return [
        Route("/v1/chat/completions", openai, methods=["POST"]),
        Route("/v1/messages", anthropic, methods=["POST"]),
        Route("/model/{model_id:path}/converse", bedrock, methods=["POST"]),
    ]
