using System.Globalization;
using System.Runtime.InteropServices;
using Onnx;

namespace Oml.Zoo;

/// <summary>
/// Reads the weights of a ResNet exported to ONNX with separate batch-norm nodes (CNTK's exports, such as the ML.NET
/// ResNet-18) and names them as torchvision does, so that <c>Oml.Models.ResnetExtractor</c> loads them strictly. The names
/// come from the graph's structure, not from the initializers' names: the stem is the Conv → BatchNormalization → Relu →
/// MaxPool that reads the graph input; each residual block is an Add whose two inputs are traced back to the block's
/// input: the branch with two conv + BN pairs is conv1/bn1, conv2/bn2, one pair is the downsample, none the identity.
/// A new stage starts at each block with a downsample. Every shape, stride, padding and epsilon is checked against what
/// a ResNet of BasicBlocks with CNTK's padding computes (<c>ResnetPadding.Cntk</c>); anything else is an error.
/// </summary>
public static class OnnxResnetImport
{
    /// <summary>The batch-norm epsilon of torch's BatchNorm2d, which the graph must use.</summary>
    public const float BatchNormEpsilon = 1e-5f;

    /// <summary>The values of a float32 initializer, stored either as <c>float_data</c> or as little-endian <c>raw_data</c>.</summary>
    internal static float[] Floats(TensorProto initializer) => initializer.FloatData.Count > 0
        ? initializer.FloatData.ToArray()
        : MemoryMarshal.Cast<byte, float>(initializer.RawData.Span).ToArray();

    /// <summary>Reads <paramref name="onnxPath"/>; errors name the file and the node.</summary>
    public static ImportedResnet Read(string onnxPath)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFromFile(onnxPath);
        }
        catch (Exception e) when (e is IOException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new OmlException($"{onnxPath}: cannot read the ONNX model ({e.Message})");
        }
        try
        {
            return Read(model.Graph);
        }
        catch (FormatException e)
        {
            throw new OmlException($"{onnxPath}: not a ResNet graph this importer understands: {e.Message}");
        }
    }

    /// <summary>The weights of <paramref name="graph"/> under torchvision names; throws <see cref="FormatException"/>.</summary>
    public static ImportedResnet Read(GraphProto graph)
    {
        var walker = new GraphWalker(graph);
        var weights = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);

        var stemConv = walker.Single(n => n.OpType == "Conv" && n.Input[0] == walker.InputName, "the stem convolution reading the graph input");
        ExpectConv(stemConv, kernel: 7, stride: 2, pads: [3, 3, 2, 2]);
        var stemBn = walker.OnlyConsumer(stemConv, "BatchNormalization");
        var stemRelu = walker.OnlyConsumer(stemBn, "Relu");
        var maxPool = walker.OnlyConsumer(stemRelu, "MaxPool");
        ExpectPool(maxPool, kernel: 3, stride: 2, pads: [1, 1, 0, 0]);
        AddConvBn(weights, walker, "conv1", "bn1", stemConv, stemBn);

        var blocksPerStage = new List<int>();
        var widths = new List<int>();
        var blockInput = maxPool.Output[0];
        var channels = (int)walker.Initializer(stemConv.Input[1]).Dims[0];
        while (true)
        {
            var add = walker.Consumers(blockInput).FirstOrDefault(n => n.OpType == "Add")
                ?? walker.Consumers(blockInput).Select(n => FindAddBelow(walker, n, blockInput)).FirstOrDefault(n => n is not null);
            if (add is null) break;
            var branches = add.Input.Select(input => TraceBranch(walker, input, blockInput)).ToList();
            var main = branches.SingleOrDefault(b => b.Count == 2)
                ?? throw new FormatException($"node {add.Name}: no branch with two convolutions leads from {blockInput}");
            var shortcut = branches.Single(b => !ReferenceEquals(b, main));
            if (shortcut.Count > 1) throw new FormatException($"node {add.Name}: the shortcut has {shortcut.Count} convolutions");

            var width = (int)walker.Initializer(main[0].Conv.Input[1]).Dims[0];
            var startsStage = blocksPerStage.Count == 0 || shortcut.Count == 1;
            if (startsStage)
            {
                blocksPerStage.Add(0);
                widths.Add(width);
            }
            else if (width != widths[^1])
            {
                throw new FormatException($"node {add.Name}: width {width} changes without a downsample");
            }
            var stride = shortcut.Count == 1 ? (int)shortcut[0].Conv.Attribute.Single(a => a.Name == "strides").Ints[0] : 1;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"layer{blocksPerStage.Count}.{blocksPerStage[^1]}");
            ExpectConv(main[0].Conv, kernel: 3, stride: stride, pads: stride == 1 ? [1, 1, 1, 1] : [1, 1, 0, 0]);
            ExpectConv(main[1].Conv, kernel: 3, stride: 1, pads: [1, 1, 1, 1]);
            AddConvBn(weights, walker, $"{prefix}.conv1", $"{prefix}.bn1", main[0].Conv, main[0].Bn);
            AddConvBn(weights, walker, $"{prefix}.conv2", $"{prefix}.bn2", main[1].Conv, main[1].Bn);
            if (shortcut.Count == 1)
            {
                ExpectConv(shortcut[0].Conv, kernel: 1, stride: stride, pads: [0, 0, 0, 0]);
                AddConvBn(weights, walker, $"{prefix}.downsample.0", $"{prefix}.downsample.1", shortcut[0].Conv, shortcut[0].Bn);
            }
            else if (channels != width)
            {
                throw new FormatException($"node {add.Name}: {channels} channels meet {width} on an identity shortcut");
            }
            channels = width;
            blocksPerStage[^1]++;
            blockInput = walker.OnlyConsumer(add, "Relu").Output[0];
        }
        if (blocksPerStage.Count == 0) throw new FormatException("no residual block (Add node) follows the stem");
        if (!walker.Consumers(blockInput).Any(n => n.OpType is "AveragePool" or "GlobalAveragePool"))
            throw new FormatException($"the last block's output {blockInput} does not go into an average pooling");
        return new ImportedResnet(blocksPerStage, widths, weights);
    }

    /// <summary>The Add of a block whose first node is <paramref name="start"/> (the main branch or the shortcut conv).</summary>
    private static NodeProto? FindAddBelow(GraphWalker walker, NodeProto start, string blockInput)
    {
        var node = start;
        for (var depth = 0; depth < 8 && node is not null; depth++)
        {
            if (node.OpType == "Add") return node;
            var consumers = walker.Consumers(node.Output[0]).ToList();
            node = consumers.Count == 1 ? consumers[0] : null;
        }
        return null;
    }

    /// <summary>The conv + BN pairs from <paramref name="blockInput"/> to <paramref name="output"/>, first pair first.</summary>
    private static List<(NodeProto Conv, NodeProto Bn)> TraceBranch(GraphWalker walker, string output, string blockInput)
    {
        var pairs = new List<(NodeProto, NodeProto)>();
        var name = output;
        while (name != blockInput)
        {
            var bn = walker.Producer(name, "BatchNormalization");
            var conv = walker.Producer(bn.Input[0], "Conv");
            pairs.Insert(0, (conv, bn));
            if (pairs.Count > 2) throw new FormatException($"more than two convolutions between {blockInput} and {output}");
            name = conv.Input[0];
            if (name != blockInput) name = walker.Producer(name, "Relu").Input[0];
        }
        return pairs;
    }

    private static void AddConvBn(Dictionary<string, NamedTensor> weights, GraphWalker walker, string conv, string bn, NodeProto convNode, NodeProto bnNode)
    {
        if (convNode.Input.Count != 2) throw new FormatException($"node {convNode.Name}: a convolution with a bias is not a torchvision ResNet");
        var epsilon = bnNode.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? BatchNormEpsilon;
        if (Math.Abs(epsilon - BatchNormEpsilon) > 1e-9f) throw new FormatException($"node {bnNode.Name}: epsilon {epsilon}, torch uses {BatchNormEpsilon}");
        weights[$"{conv}.weight"] = walker.Tensor(convNode.Input[1]);
        string[] bnNames = ["weight", "bias", "running_mean", "running_var"];
        for (var i = 0; i < bnNames.Length; i++) weights[$"{bn}.{bnNames[i]}"] = walker.Tensor(bnNode.Input[i + 1]);
    }

    private static void ExpectConv(NodeProto conv, int kernel, int stride, long[] pads)
    {
        Expect(conv, "kernel_shape", [kernel, kernel]);
        Expect(conv, "strides", [stride, stride]);
        Expect(conv, "pads", pads);
        var group = conv.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        if (group != 1) throw new FormatException($"node {conv.Name}: group {group}, expected 1");
    }

    private static void ExpectPool(NodeProto pool, int kernel, int stride, long[] pads)
    {
        Expect(pool, "kernel_shape", [kernel, kernel]);
        Expect(pool, "strides", [stride, stride]);
        Expect(pool, "pads", pads);
    }

    private static void Expect(NodeProto node, string attribute, long[] expected)
    {
        var values = node.Attribute.FirstOrDefault(a => a.Name == attribute)?.Ints.ToArray() ?? (attribute == "pads" ? [0, 0, 0, 0] : []);
        if (!values.SequenceEqual(expected))
            throw new FormatException($"node {node.Name}: {attribute} [{string.Join(", ", values)}], expected [{string.Join(", ", expected)}]");
    }

    /// <summary>Producers, consumers and initializers of a graph by value name.</summary>
    private sealed class GraphWalker
    {
        private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
        private readonly GraphProto _graph;

        public GraphWalker(GraphProto graph)
        {
            _graph = graph;
            foreach (var init in graph.Initializer) _initializers[init.Name] = init;
            foreach (var node in graph.Node)
            {
                foreach (var output in node.Output) _producers[output] = node;
                foreach (var input in node.Input)
                {
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                    list.Add(node);
                }
            }
            var inputs = graph.Input.Select(i => i.Name).Where(n => !_initializers.ContainsKey(n)).ToList();
            if (inputs.Count != 1) throw new FormatException($"the graph has {inputs.Count} inputs that are not weights, expected 1 (the images)");
            InputName = inputs[0];
        }

        public string InputName { get; }

        public NodeProto Single(Func<NodeProto, bool> predicate, string what)
        {
            var nodes = _graph.Node.Where(predicate).ToList();
            return nodes.Count == 1 ? nodes[0] : throw new FormatException($"{nodes.Count} nodes match {what}, expected 1");
        }

        public IEnumerable<NodeProto> Consumers(string value) => _consumers.GetValueOrDefault(value) ?? [];

        public NodeProto OnlyConsumer(NodeProto node, string opType)
        {
            var consumers = Consumers(node.Output[0]).ToList();
            if (consumers.Count != 1 || consumers[0].OpType != opType)
                throw new FormatException($"node {node.Name} feeds [{string.Join(", ", consumers.Select(c => c.OpType))}], expected one {opType}");
            return consumers[0];
        }

        public NodeProto Producer(string value, string opType)
        {
            if (!_producers.TryGetValue(value, out var node) || node.OpType != opType)
                throw new FormatException($"{value} comes from {(node is null ? "no node" : node.OpType + " " + node.Name)}, expected {opType}");
            return node;
        }

        public TensorProto Initializer(string name) =>
            _initializers.TryGetValue(name, out var init) ? init : throw new FormatException($"{name} is not an initializer (constant weight)");

        public NamedTensor Tensor(string name)
        {
            var init = Initializer(name);
            if (init.DataType != (int)TensorProto.Types.DataType.Float)
                throw new FormatException($"initializer {name} has data type {init.DataType}, expected float32");
            var data = Floats(init);
            var shape = init.Dims.ToArray();
            if (data.Length != shape.Aggregate(1L, (a, b) => a * b))
                throw new FormatException($"initializer {name} has {data.Length} values for shape [{string.Join(", ", shape)}]");
            return new NamedTensor(name, data, shape);
        }
    }
}
