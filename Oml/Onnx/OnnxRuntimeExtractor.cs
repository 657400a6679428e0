using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// An ONNX feature extractor run by ONNX Runtime (CPU): images [N, 3, H, W] float32 in, features [N, D] out, like an
/// <see cref="Models.Extractor"/> in eval mode. The model needs one float32 input of rank 4 and one float32 output
/// of rank 2, as <see cref="OnnxExport"/> writes them (any exported extractor, ours or not, with that signature runs).
/// Tensors go in and out without copies: ONNX Runtime reads and writes the tensors' own memory.
/// </summary>
public sealed class OnnxRuntimeExtractor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads; null: as many as TorchSharp uses (<c>torch.get_num_threads()</c>).</param>
    /// <param name="what">How messages name the file (a config key or an option).</param>
    public OnnxRuntimeExtractor(string modelPath, int? threads = null, string what = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!File.Exists(modelPath)) throw new OmlException($"{what}: {modelPath} does not exist");
        ModelPath = modelPath;
        using var options = new SessionOptions { IntraOpNumThreads = threads ?? get_num_threads(), InterOpNumThreads = 1 };
        try
        {
            _session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OmlException($"{what}: ONNX Runtime cannot load {modelPath}: {e.Message}", innerException: e);
        }
        try
        {
            (InputName, InputShape) = Single(_session.InputMetadata, "input", 4, what);
            (OutputName, OutputShape) = Single(_session.OutputMetadata, "output", 2, what);
            Metadata = new Dictionary<string, string>(_session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }

    public string InputName { get; }

    /// <summary>The input's dimensions; -1 for a named (dynamic) one such as the batch.</summary>
    public IReadOnlyList<long> InputShape { get; }

    public string OutputName { get; }

    public IReadOnlyList<long> OutputShape { get; }

    /// <summary>The model's metadata_props (<see cref="OnnxMetadataKeys"/> for those the export writes).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The features of a batch [N, 3, H, W] (float32, CPU) as a new [N, D] float32 tensor.</summary>
    public unsafe Tensor Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckInput(images.shape);
        using var scope = NewDisposeScope();
        var input = images.to(ScalarType.Float32).cpu().contiguous();
        fixed (byte* inputData = input.bytes)
        {
            using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, input.shape,
                (IntPtr)inputData, input.bytes.Length);
            if (OutputShape[1] < 0) return ExtractIntoNewMemory(inputValue).MoveToOuterDisposeScope();
            var output = empty([input.shape[0], OutputShape[1]], ScalarType.Float32);
            fixed (byte* outputData = output.bytes)
            {
                using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, output.shape,
                    (IntPtr)outputData, output.bytes.Length);
                _session.Run(_runOptions, [InputName], [inputValue], [OutputName], [outputValue]);
            }
            return output.MoveToOuterDisposeScope();
        }
    }

    /// <summary>The features of <paramref name="count"/> images given as [count, 3, H, W] floats, row-major [count, D].</summary>
    public float[] Extract(float[] images, int count, int height, int width)
    {
        using var scope = NewDisposeScope();
        return Extract(tensor(images, [count, 3, height, width])).data<float>().ToArray();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>A model whose feature size is not fixed in its signature: ONNX Runtime allocates the output, which is copied.</summary>
    private Tensor ExtractIntoNewMemory(OrtValue input)
    {
        using var results = _session.Run(_runOptions, [InputName], [input], [OutputName]);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        return tensor(results[0].GetTensorDataAsSpan<float>().ToArray(), shape);
    }

    private void CheckInput(long[] shape)
    {
        var fits = shape.Length == InputShape.Count && shape.Zip(InputShape).All(d => d.Second < 0 || d.First == d.Second);
        if (fits) return;
        throw new OmlException($"{ModelPath} takes images of shape [{Dims(InputShape)}], given [{Dims(shape)}]; " +
                               "prepare them as the model was exported (its metadata names the transform and the input size)");
    }

    private static (string Name, IReadOnlyList<long> Shape) Single(IReadOnlyDictionary<string, NodeMetadata> values, string kind, int rank, string what)
    {
        if (values.Count != 1)
            throw new OmlException($"{what}: the model has {values.Count} {kind}s, an extractor has one ({(kind == "input" ? "images [N, 3, H, W]" : "features [N, D]")})");
        var (name, metadata) = values.First();
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float || metadata.Dimensions.Length != rank)
        {
            throw new OmlException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: the model's {kind} {name} is {metadata.ElementDataType} of rank {metadata.Dimensions.Length}; an extractor's is float32 of rank {rank}"));
        }
        return (name, metadata.Dimensions.Select(d => (long)d).ToArray());
    }

    private static string Dims(IEnumerable<long> dims) => string.Join(", ", dims.Select(d => d < 0 ? "N" : d.ToString(CultureInfo.InvariantCulture)));
}
