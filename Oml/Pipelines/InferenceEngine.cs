namespace Oml.Pipelines;

/// <summary>What computes the embeddings in <c>oml predict</c> (config key <c>engine</c>).</summary>
public enum InferenceEngine
{
    /// <summary>The extractor's TorchSharp forward (<c>engine: torch</c>, the default).</summary>
    Torch,

    /// <summary>ONNX Runtime on the CPU running an exported model (<c>engine: onnxruntime</c>).</summary>
    OnnxRuntime,
}
