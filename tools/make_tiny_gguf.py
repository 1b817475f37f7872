"""Make a tiny llama-architecture GGUF whose replies are fixed by hand, for testing against llama-server.

    python tools/make_tiny_gguf.py OUT_DIR            # writes tiny-valid.gguf, tiny-mismatch.gguf, tiny-nonsense.gguf
    python tools/make_tiny_gguf.py OUT_DIR --variant valid

Needs the ``ci-llama`` extra (``gguf`` and numpy); no torch, no download, no training.

How it works. The model is a bigram model written by hand: every layer's output projections are
zero, so the residual stream at the last position is the embedding of the last token, and the
logits are ``output.weight @ rmsnorm(embedding)``. Each token's embedding is a one-hot vector of its
*class* (the quote, the colon, ``[``, ...), so each class is one column of ``output.weight``: a fixed
ranking of what comes next. The server turns the strict JSON schema into a grammar that masks every
token the schema does not allow; among the tokens left, greedy decoding takes the best ranked. That
is enough to choose every free value in a reply:

- after ``"`` the best token is a whole sentence (a string's content), else a tier's first letter,
  else ``]`` (so an array holds one string), else ``,``;
- after ``:`` the best is ``f`` (``false``), then the digits in the variant's order (the score);
- after ``[`` a string, else an object (one gap, one probe), else ``]``;
- after the sentence, and after ``}``, end of text (masked inside the JSON, where the closing
  ``"`` / ``]`` comes next).

Without a grammar (the interviewer's streamed words) the reply is the sentence after the chat
template's ``assistant`` line, then end of text.

Variants:
- ``valid``: tier ``great``, score 5: a graded result.
- ``mismatch``: tier ``great``, score 1: schema-valid, but the tier and score disagree, every time.
- ``nonsense``: every string, and any free text, is gibberish that never ends; a reply stops only
  at the request's token limit.

The vocabulary is a sentencepiece-style ("llama") one written directly into the GGUF metadata: the
byte-fallback tokens, ``▁`` and the printable ASCII characters as pieces, ChatML's two control tokens
and three whole-sentence tokens that only the model emits (with no intermediate pieces to merge
through, the tokenizer never produces them from a prompt). llama.cpp tokenizes such a vocabulary
itself, so no trained sentencepiece model is needed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

VARIANTS = ("valid", "mismatch", "nonsense")

SENTENCE = "Give one concrete example from your own work."
PHRASE = "Let us begin with the first question."
GIBBERISH = "zq vx "

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

N_EMBD = 32
N_HEAD = 2
N_FF = 64
N_CTX = 32768

# token types as gguf numbers them (gguf.TokenType)
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6


def vocabulary() -> tuple[list[str], list[int]]:
    """Pieces and their types: specials, the 256 bytes, ``▁`` and printable ASCII, then the whole sentences."""
    pieces = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
    types = [UNKNOWN, CONTROL, CONTROL, CONTROL, CONTROL]
    pieces += [f"<0x{b:02X}>" for b in range(256)]
    types += [BYTE] * 256
    pieces += ["▁"] + [chr(c) for c in range(0x21, 0x7F)]
    types += [NORMAL] * 95
    pieces += [s.replace(" ", "▁") for s in (SENTENCE, PHRASE, GIBBERISH)]
    types += [NORMAL] * 3
    return pieces, types


def rankings(variant: str) -> dict[str, list[str]]:
    """For each class of last token: the tokens to prefer next, best first (pieces, or "EOS")."""
    sentence = SENTENCE.replace(" ", "▁")
    gibberish = GIBBERISH.replace(" ", "▁")
    phrase = PHRASE.replace(" ", "▁")
    digits = ["5", "4", "3", "2", "1"] if variant != "mismatch" else ["1", "2", "3", "4", "5"]
    string = gibberish if variant == "nonsense" else sentence
    return {
        "<0x0A>": [gibberish if variant == "nonsense" else phrase],
        '"': [string, "g", "m", "p", "]", ","],
        sentence: ["EOS", '"'],
        phrase: ["EOS"],
        gibberish: [gibberish],
        "[": ['"', "{", "]"],
        "}": ["EOS", "]", ","],
        ":": ["f", "t", *digits],
    }


def weights(variant: str, pieces: list[str], types: list[int]) -> dict[str, np.ndarray]:
    index = {piece: i for i, piece in enumerate(pieces)}
    eos = index["<|im_end|>"]
    ranks = rankings(variant)
    classes = ["(other)", *ranks]
    assert len(classes) <= N_EMBD

    # the ranking every class starts from: characters, then whole sentences, whitespace, bytes, specials
    base = np.zeros(len(pieces), dtype=np.float32)
    base[[i for i, t in enumerate(types) if t == NORMAL and len(pieces[i]) > 1]] = -10.0
    base[index["▁"]] = -20.0
    base[[i for i, t in enumerate(types) if t == BYTE]] = -30.0
    base[[i for i, t in enumerate(types) if t in (CONTROL, UNKNOWN)]] = -40.0

    embedding = np.zeros((len(pieces), N_EMBD), dtype=np.float32)
    output = np.zeros((len(pieces), N_EMBD), dtype=np.float32)
    for column, name in enumerate(classes):
        logits = base.copy()
        for rank, piece in enumerate(ranks.get(name, [])):
            logits[eos if piece == "EOS" else index[piece]] = 100.0 - 10.0 * rank
        output[:, column] = logits
        if column:
            embedding[index[name], column] = 1.0
    embedding[[i for i in range(len(pieces)) if not embedding[i].any()], 0] = 1.0

    head_dim = N_EMBD // N_HEAD
    tensors = {
        "token_embd.weight": embedding,
        # rmsnorm of a one-hot vector is sqrt(N_EMBD) at its class: scale back to 1
        "output_norm.weight": np.full(N_EMBD, 1.0 / np.sqrt(N_EMBD), dtype=np.float32),
        "output.weight": output,
        "blk.0.attn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
        "blk.0.ffn_norm.weight": np.ones(N_EMBD, dtype=np.float32),
    }
    zero_shapes = {
        "attn_q": (N_HEAD * head_dim, N_EMBD),
        "attn_k": (N_HEAD * head_dim, N_EMBD),
        "attn_v": (N_HEAD * head_dim, N_EMBD),
        "attn_output": (N_EMBD, N_HEAD * head_dim),  # zero: attention adds nothing to the residual
        "ffn_gate": (N_FF, N_EMBD),
        "ffn_up": (N_FF, N_EMBD),
        "ffn_down": (N_EMBD, N_FF),  # zero: the feed-forward adds nothing either
    }
    for name, shape in zero_shapes.items():
        tensors[f"blk.0.{name}.weight"] = np.zeros(shape, dtype=np.float32)
    return tensors


def write(variant: str, path: Path) -> Path:
    import gguf

    pieces, types = vocabulary()
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(f"mock-interviewer tiny {variant}")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(1)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(pieces)
    writer.add_token_scores([0.0 if len(p) == 1 else -1000.0 for p in pieces])
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(pieces.index("<|im_end|>"))
    writer.add_add_bos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(CHAT_TEMPLATE)
    for name, tensor in weights(variant, pieces, types).items():
        writer.add_tensor(name, tensor)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--variant", choices=VARIANTS, action="append", help="default: all three")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for variant in args.variant or VARIANTS:
        print(write(variant, args.out_dir / f"tiny-{variant}.gguf"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
