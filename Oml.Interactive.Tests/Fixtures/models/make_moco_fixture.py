"""
A tiny MoCo training checkpoint in the layout of facebookresearch/moco's main_moco.py (what OML's resnet50_moco_v2
downloads): {"epoch", "arch", "state_dict": {module.encoder_q.*, module.encoder_k.*, module.queue, module.queue_ptr},
"optimizer"}. The query encoder holds the weights of resnet_basic_tiny.pth plus MoCo v2's MLP head (fc.0, fc.2); the
momentum encoder holds other values, so a loader that picks it gives other outputs than resnet_basic_tiny_expected.npy.

Run from this folder after make_model_fixtures.py: python3 make_moco_fixture.py
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(1)
    tiny = torch.load(os.path.join(HERE, "resnet_basic_tiny.pth"))
    head = {"fc.0.weight": torch.randn(32, 32), "fc.0.bias": torch.randn(32), "fc.2.weight": torch.randn(8, 32), "fc.2.bias": torch.randn(8)}
    query = {**tiny, **head}
    state = {}
    for name, value in query.items():
        state[f"module.encoder_q.{name}"] = value.clone()
    for name, value in query.items():
        other = value.clone()
        if other.is_floating_point():
            other += 0.5 * torch.randn_like(other) + 0.1
        state[f"module.encoder_k.{name}"] = other
    state["module.queue"] = torch.nn.functional.normalize(torch.randn(8, 16), dim=0)
    state["module.queue_ptr"] = torch.zeros(1, dtype=torch.long)
    optimizer = {"state": {}, "param_groups": [{"lr": 0.03, "momentum": 0.9, "weight_decay": 1e-4, "params": list(range(len(query)))}]}
    torch.save({"epoch": 800, "arch": "resnet50", "state_dict": state, "optimizer": optimizer},
               os.path.join(HERE, "moco_tiny.pth.tar"))
    print(f"moco_tiny.pth.tar: {len(state)} keys")


if __name__ == "__main__":
    main()
