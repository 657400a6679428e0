namespace Oml.Retrieval;

/// <summary>How an HNSW index stores its vectors (<c>quantization</c>): less memory for less exact distances.</summary>
public enum IndexQuantization
{
    /// <summary><c>f32</c>: the embeddings as they are (4 bytes per value).</summary>
    Float32,

    /// <summary><c>f16</c>: half precision (2 bytes per value); distances agree with f32 to about 3 digits.</summary>
    Float16,

    /// <summary>
    /// <c>i8</c>: one byte per value. USearch normalises each vector and scales it to [-127, 127], so only the cosine
    /// distance keeps its meaning.
    /// </summary>
    Int8,
}
