using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// Appends nodes and constant weights (initializers) to an ONNX graph through the protobuf classes of OnnxSharp. Each
/// node gets a unique name and one output value named after it; the operator's name, inputs and attributes are those
/// of the ONNX operator specification at <see cref="OnnxExport.Opset"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name)
    {
        Graph = new GraphProto { Name = name };
    }

    public GraphProto Graph { get; }

    /// <summary>A float32 weight from a tensor (any device, any float type), stored as little-endian raw data.</summary>
    public string Weight(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu().to(ScalarType.Float32).contiguous();
        return Weight(name, values.data<float>().ToArray(), values.shape);
    }

    /// <summary>
    /// A float32 weight. A second weight of the same name and the same values is the first one (a layer used on
    /// several inputs, such as ViT's blocks at every scale, is stored once); other values get a new name.
    /// </summary>
    public string Weight(string name, float[] values, long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            throw new ArgumentException($"{values.Length} values do not fill the shape [{string.Join(", ", dims)}] of {name}");
        var initializer = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        initializer.Dims.AddRange(dims);
        initializer.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return Add(name, initializer);
    }

    /// <summary>One float32 value (a scalar, rank 0), e.g. an exponent or an epsilon.</summary>
    public string Scalar(string name, float value) => Weight(name, [value], []);

    /// <summary>An int64 constant: shapes, axes, indices. Rank 1 unless <paramref name="scalar"/>.</summary>
    public string Int64s(string name, long[] values, bool scalar = false)
    {
        if (scalar && values.Length != 1) throw new ArgumentException("a scalar holds one value", nameof(values));
        var initializer = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) initializer.Dims.Add(values.Length);
        initializer.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        return Add(name, initializer);
    }

    /// <summary>Adds a node and returns the name of its (only) output.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var name = Unique(opType);
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>Renames the output of the last node, so that the graph's output has a chosen name.</summary>
    public void NameLastOutput(string name)
    {
        var node = Graph.Node[^1];
        node.Output[0] = name;
    }

    public void Input(string name, long[] dims, string? batchParam) => Graph.Input.Add(FloatValue(name, dims, batchParam));

    public void Output(string name, long[] dims, string? batchParam) => Graph.Output.Add(FloatValue(name, dims, batchParam));

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float32 tensor value; the first dimension is named <paramref name="batchParam"/> when given (dims[0] is then ignored).</summary>
    private static ValueInfoProto FloatValue(string name, long[] dims, string? batchParam)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(i == 0 && batchParam is not null
                ? new TensorShapeProto.Types.Dimension { DimParam = batchParam }
                : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        }
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private string Add(string name, TensorProto initializer)
    {
        if (_initializers.TryGetValue(name, out var existing) && existing.DataType == initializer.DataType &&
            existing.Dims.SequenceEqual(initializer.Dims) && existing.RawData.Equals(initializer.RawData))
        {
            return name;
        }
        initializer.Name = _initializers.ContainsKey(name) ? Unique(name) : name;
        _initializers[initializer.Name] = initializer;
        Graph.Initializer.Add(initializer);
        return initializer.Name;
    }

    private string Unique(string stem)
    {
        var count = _counts.GetValueOrDefault(stem);
        _counts[stem] = count + 1;
        return stem + "_" + count.ToString(CultureInfo.InvariantCulture);
    }
}
