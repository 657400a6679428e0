namespace Oml.Weights;

/// <summary>The file formats a state dict can be read from and (all but <see cref="TorchScript"/>) written to.</summary>
public enum WeightsFormat
{
    /// <summary><c>torch.save</c>'s zip format (.pth, .pt, .ckpt; PyTorch ≥ 1.6), including Lightning checkpoints.</summary>
    PyTorch,

    /// <summary>safetensors (Hugging Face): JSON header + raw tensors.</summary>
    Safetensors,

    /// <summary>TorchSharp's own <c>Module.save</c> format.</summary>
    TorchSharp,

    /// <summary>A TorchScript archive (<c>torch.jit.save</c>, e.g. OpenAI's CLIP checkpoints): read only, its module's parameters and buffers.</summary>
    TorchScript,
}
