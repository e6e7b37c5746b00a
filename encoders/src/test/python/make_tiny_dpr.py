"""Makes the tiny DPR-style test fixtures in encoders/src/test/resources/tiny-dpr/.

Two small BERT models with a pooler (dense + tanh over [CLS]) and random weights from fixed seeds, shaped like
DPR's question encoder and context encoder: the question encoder is exported to ONNX, the context encoder is
traced to TorchScript. Both return (last_hidden_state, pooler_output). expected.json holds, for a few texts
encoded one per call with transformers, the pooler output, the [CLS] row and the masked mean, so the Java tests
can check Pooling.POOLER / CLS / MEAN on both engines with real (if tiny) transformer graphs.

Run from the repository root (needs torch, transformers, tokenizers, onnx; the project itself never does):
    python3 encoders/src/test/python/make_tiny_dpr.py
"""
import json
import os

import torch
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from transformers import BertConfig, BertModel

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "tiny-dpr")
TEXTS = [
    "who wrote the origin of species",
    "Charles Darwin wrote On the Origin of Species in 1859.",
    "",
    "The bat flew out of the cave at night.",
]

words = sorted(set(" ".join(TEXTS).lower().replace(".", " ").split()))
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + words
vocab += [c for c in "abcdefghijklmnopqrstuvwxyz0123456789" if c not in vocab]
vocab += ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
ids = {t: i for i, t in enumerate(vocab)}

tok = Tokenizer(WordPiece(ids, unk_token="[UNK]", max_input_chars_per_word=100))
tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=None, clean_text=True,
                                            handle_chinese_chars=True)
tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
tok.post_processor = processors.TemplateProcessing(
    single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
    special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
tok.decoder = decoders.WordPiece()


class Wrapper(torch.nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return out.last_hidden_state, out.pooler_output


def make(name, seed, fmt):
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    model = BertModel(config, add_pooling_layer=True).eval()
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    config.to_json_file(os.path.join(d, "config.json"))
    tok.save(os.path.join(d, "tokenizer.json"))
    wrapper = Wrapper(model).eval()
    enc = tok.encode_batch(TEXTS[:2])
    width = max(len(e.ids) for e in enc)
    example = (torch.tensor([e.ids + [0] * (width - len(e.ids)) for e in enc]),
               torch.tensor([e.attention_mask + [0] * (width - len(e.ids)) for e in enc]),
               torch.tensor([e.type_ids + [0] * (width - len(e.ids)) for e in enc]))
    if fmt == "onnx":
        torch.onnx.export(wrapper, example, os.path.join(d, "model.onnx"), dynamo=False, opset_version=17,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state", "pooler_output"],
                          dynamic_axes={n: {0: "batch", 1: "seq"} for n in
                                        ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]}
                          | {"pooler_output": {0: "batch"}})
    else:
        traced = torch.jit.trace(wrapper, example)
        traced.save(os.path.join(d, "model.pt"))
        with open(os.path.join(d, "serving.properties"), "w") as f:
            f.write("engine=PyTorch\npooling=pooler\nnormalize=false\nincludeTokenTypes=true\n")
    expected = []
    with torch.no_grad():
        for text in TEXTS:
            e = tok.encode(text)
            h, p = wrapper(torch.tensor([e.ids]), torch.tensor([e.attention_mask]), torch.tensor([e.type_ids]))
            expected.append({"text": text, "tokens": e.tokens, "pooler": p[0].tolist(), "cls": h[0, 0].tolist(),
                             "mean": h[0].mean(0).tolist()})
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"made_by": "encoders/src/test/python/make_tiny_dpr.py", "torch": torch.__version__,
                   "seed": seed, "format": fmt, "items": expected}, f, indent=1)


make("question-onnx", 1, "onnx")
make("context-torchscript", 2, "torchscript")
print("wrote", os.path.abspath(OUT))
