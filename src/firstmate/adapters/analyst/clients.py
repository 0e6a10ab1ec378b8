"""How each model is reached: an OpenAI-compatible server, Anthropic's SDK, Amazon Bedrock."""

from __future__ import annotations

from typing import Any

import httpx

from firstmate.adapters.analyst.llm import Complete

MAX_TOKENS = 1200


def openai_compatible(base_url: str, model: str, api_key: str = "", timeout_s: float = 60.0) -> Complete:
    """Chat completions on any OpenAI-compatible server (a local model, a hosted one)."""
    client = httpx.Client(timeout=timeout_s)

    def complete(system: str, prompt: str) -> str:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        response = client.post(
            f"{base_url.rstrip('/')}/v1/chat/completions",
            headers=headers,
            json={
                "model": model,
                "temperature": 0,
                "max_tokens": MAX_TOKENS,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            },
        )
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    return complete


def anthropic_messages(api_key: str, model: str, base_url: str | None = None) -> Complete:
    """Anthropic's Messages API through the official SDK."""
    import anthropic

    client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=2)

    def complete(system: str, prompt: str) -> str:
        message = client.messages.create(
            model=model, max_tokens=MAX_TOKENS, system=system, messages=[{"role": "user", "content": prompt}]
        )
        return "".join(getattr(block, "text", "") for block in message.content)

    return complete


def bedrock_converse(model_id: str, region: str, endpoint_url: str | None = None) -> Complete:
    """Amazon Bedrock's Converse API on the standard AWS credentials chain, like every AWS adapter."""
    from firstmate.adapters.aws.clients import client as aws_client

    # a model writing a whole analysis takes far longer than a table read
    client: Any = aws_client("bedrock-runtime", region, endpoint_url=endpoint_url, read_timeout=180)

    def complete(system: str, prompt: str) -> str:
        answer = client.converse(
            modelId=model_id,
            system=[{"text": system}],
            messages=[{"role": "user", "content": [{"text": prompt}]}],
            inferenceConfig={"maxTokens": MAX_TOKENS, "temperature": 0},
        )
        return "".join(part.get("text", "") for part in answer["output"]["message"]["content"])

    return complete
