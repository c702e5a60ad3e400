#!/usr/bin/env python3
"""Record a PyTorch profiler trace (or an ONNX export) of a Hugging Face causal LM for
`accelscope trace import`.

Optional for users; accelscope's tests do not need it. Needs torch and transformers
(pip install torch transformers; onnx/onnxscript for --onnx). See docs/trace-import.md.

Examples
    # a published model's shape with random weights (only config.json is fetched), 2 layers:
    python tools/record_trace.py --model TinyLlama/TinyLlama-1.1B-Chat-v1.0 --layers 2 \
        --prompt-len 64 --decode-steps 1 -o trace.json
    # a local config.json, eager attention, batch 4, three decode steps, on CPU:
    python tools/record_trace.py --config workloads/models/llama-2-7b.json --layers 2 \
        --batch 4 --decode-steps 3 --attn eager --device cpu -o trace.json
    # an ONNX export (no KV cache) of the same model:
    python tools/record_trace.py --config my/config.json --layers 2 --prompt-len 16 --onnx model.onnx

The profiled region holds the prefill, then each decode step, each inside a
record_function("accelscope:prefill" / "accelscope:decode") annotation, which the importer uses
to split the passes (it falls back to finding them from the trace itself).
"""
import argparse
import sys


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="Hugging Face model id or local directory (only its config is used unless --weights)")
    src.add_argument("--config", help="path to a config.json")
    p.add_argument("--weights", action="store_true", help="load the real weights of --model (default: random weights; shapes are what matter)")
    p.add_argument("--layers", type=int, help="keep only this many decoder layers (num_hidden_layers)")
    p.add_argument("--batch", type=int, default=1, help="sequences (default 1)")
    p.add_argument("--prompt-len", type=int, default=64, help="prompt tokens per sequence (default 64)")
    p.add_argument("--decode-steps", type=int, default=1, help="decode steps after the prefill (default 1)")
    p.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    p.add_argument("--attn", choices=["sdpa", "eager", "flash_attention_2"], default="sdpa", help="attn_implementation (default sdpa)")
    p.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    p.add_argument("--warmup", type=int, default=1, help="untraced warm-up runs (default 1)")
    p.add_argument("-o", "--output", default="trace.json", help="trace file to write (.json or .json.gz)")
    p.add_argument("--onnx", metavar="PATH", help="instead of a trace, export the prefill forward to ONNX (torch.onnx.export, dynamo)")
    return p.parse_args(argv)


def build_model(args, torch, transformers):
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    if args.config:
        config = transformers.AutoConfig.for_model(**_read_json(args.config))
    else:
        config = transformers.AutoConfig.from_pretrained(args.model)
    if args.layers:
        config.num_hidden_layers = args.layers
    config._attn_implementation = args.attn
    if args.weights and args.model:
        model = transformers.AutoModelForCausalLM.from_pretrained(args.model, config=config, torch_dtype=dtype, attn_implementation=args.attn)
    else:
        model = transformers.AutoModelForCausalLM.from_config(config, torch_dtype=dtype, attn_implementation=args.attn)
    return model.eval(), config


def _read_json(path):
    import json
    with open(path) as f:
        return json.load(f)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import torch
    import transformers
    from torch.profiler import ProfilerActivity, profile, record_function

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    model, config = build_model(args, torch, transformers)
    model = model.to(device)
    vocab = config.vocab_size
    ids = torch.randint(0, vocab, (args.batch, args.prompt_len), device=device)

    if args.onnx:
        model.config.use_cache = False
        with torch.inference_mode():
            torch.onnx.export(model, (ids,), args.onnx, kwargs={"use_cache": False}, input_names=["input_ids"],
                              output_names=["logits"], dynamo=True)
        print(f"wrote {args.onnx}: accelscope trace import {args.onnx} -o graph.json")
        return 0

    def generate():
        out = model(ids, use_cache=True)
        past = out.past_key_values
        nxt = torch.randint(0, vocab, (args.batch, 1), device=device)
        for _ in range(args.decode_steps):
            out = model(nxt, past_key_values=past, use_cache=True)
            past = out.past_key_values

    with torch.inference_mode():
        for _ in range(args.warmup):
            generate()
        if device == "cuda":
            torch.cuda.synchronize()
        activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == "cuda" else [])
        with profile(activities=activities, record_shapes=True) as prof:
            with record_function("accelscope:prefill"):
                out = model(ids, use_cache=True)
            past = out.past_key_values
            nxt = torch.randint(0, vocab, (args.batch, 1), device=device)
            for _ in range(args.decode_steps):
                with record_function("accelscope:decode"):
                    out = model(nxt, past_key_values=past, use_cache=True)
                past = out.past_key_values
            if device == "cuda":
                torch.cuda.synchronize()
    prof.export_chrome_trace(args.output)
    print(f"wrote {args.output}: accelscope trace import {args.output} -o graph.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
