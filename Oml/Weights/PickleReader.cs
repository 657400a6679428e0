using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Oml.Weights;

/// <summary>A Python global (module + name) met in a pickle, e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>
/// An instance of a Python class the reader does not know: the class, its constructor arguments and whatever
/// <c>BUILD</c>, <c>SETITEMS</c> or <c>APPENDS</c> gave it. Never executed, only kept so unknown objects in a
/// checkpoint (Lightning hyper-parameters, callbacks, numpy scalars, enums) do not stop the load.
/// </summary>
internal sealed class PickleObject(PickleGlobal type, object?[] args)
{
    public PickleGlobal Type { get; } = type;
    public object?[] Args { get; } = args;
    public object? State { get; set; }
    public Dictionary<object, object?> Items { get; } = [];
    public List<object?> ListItems { get; } = [];
    public override string ToString() => Type.FullName + "(...)";
}

/// <summary>
/// A tolerant interpreter for Python pickles (protocols 0–5) as written by <c>torch.save</c>. It builds plain
/// .NET values (long / BigInteger / double / string / byte[] / bool / null, <c>object?[]</c> for tuples,
/// <c>List&lt;object?&gt;</c>, <c>Dictionary&lt;object, object?&gt;</c> for dict and OrderedDict) and never runs Python
/// code: a global it does not know becomes a <see cref="PickleGlobal"/>, and calling it a <see cref="PickleObject"/>.
/// Persistent ids (tensor storages) and a few globals are delegated to the caller.
/// </summary>
internal sealed class PickleReader
{
    private readonly BinaryReader _in;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly Func<PickleGlobal, object?[], object?>? _call;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];

    /// <param name="persistentLoad">Turns a persistent id (BINPERSID) into a value.</param>
    /// <param name="call">Handles the call of a global with arguments (REDUCE / NEWOBJ); return <see cref="NotHandled"/> to get a <see cref="PickleObject"/>.</param>
    public PickleReader(Stream pickle, Func<object?, object?> persistentLoad, Func<PickleGlobal, object?[], object?>? call = null)
    {
        _in = new BinaryReader(pickle, Encoding.UTF8, leaveOpen: true);
        _persistentLoad = persistentLoad;
        _call = call;
    }

    /// <summary>Returned by the call handler to say "build the generic object".</summary>
    public static readonly object NotHandled = new();

    private static readonly object Mark = new();

    public object? Load()
    {
        while (true)
        {
            var op = _in.ReadByte();
            switch (op)
            {
                case 0x80: _in.ReadByte(); break; // PROTO
                case 0x95: _in.ReadInt64(); break; // FRAME
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': _stack.Add(Mark); break; // MARK
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP

                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'I': Push(ParseIntLine(ReadLine())); break; // INT
                case (byte)'J': Push((long)_in.ReadInt32()); break; // BININT
                case (byte)'K': Push((long)_in.ReadByte()); break; // BININT1
                case (byte)'M': Push((long)_in.ReadUInt16()); break; // BININT2
                case (byte)'L': Push(Integer(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); break; // LONG
                case 0x8a: Push(Integer(new BigInteger(ReadBytes(_in.ReadByte()), isUnsigned: false, isBigEndian: false))); break; // LONG1
                case 0x8b: Push(Integer(new BigInteger(ReadBytes(_in.ReadInt32()), isUnsigned: false, isBigEndian: false))); break; // LONG4
                case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT

                case (byte)'S': Push(ParseStringRepr(ReadLine())); break; // STRING
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(_in.ReadInt32()))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(_in.ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'V': Push(ReadLine()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
                case (byte)'X': Push(Encoding.UTF8.GetString(ReadBytes(_in.ReadInt32()))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(_in.ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(checked((int)_in.ReadInt64())))); break; // BINUNICODE8
                case (byte)'B': Push(ReadBytes(_in.ReadInt32())); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(_in.ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(checked((int)_in.ReadInt64()))); break; // BINBYTES8
                case 0x96: Push(ReadBytes(checked((int)_in.ReadInt64()))); break; // BYTEARRAY8

                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); break; // TUPLE
                case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)'a': { var v = Pop(); Append(Peek(), [v]); break; } // APPEND
                case (byte)'e': { var items = PopMark(); Append(Peek(), items); break; } // APPENDS
                case (byte)'}': Push(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)'d': { var items = PopMark(); var d = new Dictionary<object, object?>(); SetItems(d, items); Push(d); break; } // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(Peek(), [k, v]); break; } // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(Peek(), items); break; } // SETITEMS
                case 0x8f: Push(new PickleObject(new PickleGlobal("builtins", "set"), [])); break; // EMPTY_SET
                case 0x90: { var items = PopMark(); Append(Peek(), items); break; } // ADDITEMS
                case 0x91: { var items = PopMark(); var s = new PickleObject(new PickleGlobal("builtins", "frozenset"), []); s.ListItems.AddRange(items); Push(s); break; } // FROZENSET

                case (byte)'c': { var module = ReadLine(); var name = ReadLine(); Push(new PickleGlobal(module, name)); break; } // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(new PickleGlobal(module ?? "?", name ?? "?")); break; } // STACK_GLOBAL
                case (byte)'R': { var args = Pop(); var callable = Pop(); Push(Call(callable, AsArgs(args))); break; } // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); Push(Call(cls, AsArgs(args))); break; } // NEWOBJ
                case 0x92: { Pop(); var args = Pop(); var cls = Pop(); Push(Call(cls, AsArgs(args))); break; } // NEWOBJ_EX (kwargs dropped)
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case (byte)'i': { var module = ReadLine(); var name = ReadLine(); var args = PopMark(); Push(Call(new PickleGlobal(module, name), [.. args])); break; } // INST
                case (byte)'o': { var items = PopMark(); Push(Call(items[0], [.. items.Skip(1)])); break; } // OBJ

                case (byte)'P': Push(_persistentLoad(ReadLine())); break; // PERSID
                case (byte)'Q': Push(_persistentLoad(Pop())); break; // BINPERSID

                case (byte)'g': Push(Memo(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break; // GET
                case (byte)'h': Push(Memo(_in.ReadByte())); break; // BINGET
                case (byte)'j': Push(Memo(_in.ReadUInt32())); break; // LONG_BINGET
                case (byte)'p': _memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break; // PUT
                case (byte)'q': _memo[_in.ReadByte()] = Peek(); break; // BINPUT
                case (byte)'r': _memo[_in.ReadUInt32()] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE

                default:
                    throw new InvalidDataException($"pickle opcode 0x{op:x2} is not supported");
            }
        }
    }

    private object? Call(object? callable, object?[] args)
    {
        if (callable is not PickleGlobal g) return new PickleObject(new PickleGlobal("?", callable?.ToString() ?? "None"), args);
        if (_call is not null)
        {
            var handled = _call(g, args);
            if (!ReferenceEquals(handled, NotHandled)) return handled;
        }
        if (g.Name == "OrderedDict" && g.Module == "collections") return new Dictionary<object, object?>();
        if (g.Name is "_reconstructor" && g.Module == "copyreg" && args.Length > 0 && args[0] is PickleGlobal cls)
        {
            return new PickleObject(cls, []);
        }
        return new PickleObject(g, args);
    }

    private static void Build(object? target, object? state)
    {
        if (target is PickleObject o) o.State = state;
        // dicts (OrderedDict._metadata), lists, tensors: the state carries nothing a state_dict needs
    }

    private static void Append(object? target, IReadOnlyList<object?> items)
    {
        switch (target)
        {
            case List<object?> list: list.AddRange(items); break;
            case PickleObject o: o.ListItems.AddRange(items); break;
            default: throw new InvalidDataException($"APPEND to a {target?.GetType().Name ?? "None"}");
        }
    }

    private static void SetItems(object? target, IReadOnlyList<object?> keysAndValues)
    {
        var dict = target switch
        {
            Dictionary<object, object?> d => d,
            PickleObject o => o.Items,
            _ => throw new InvalidDataException($"SETITEM on a {target?.GetType().Name ?? "None"}"),
        };
        for (var i = 0; i + 1 < keysAndValues.Count; i += 2)
        {
            var key = keysAndValues[i] ?? NoneKey;
            dict[key] = keysAndValues[i + 1];
        }
    }

    /// <summary>Stands for a Python <c>None</c> used as a dict key.</summary>
    public static readonly object NoneKey = new();

    private static object?[] AsArgs(object? args) => args switch
    {
        object?[] tuple => tuple,
        null => [],
        _ => [args],
    };

    private static object Integer(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value : value;

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => Integer(BigInteger.Parse(line, CultureInfo.InvariantCulture)),
    };

    private static string ParseStringRepr(string repr)
    {
        if (repr.Length >= 2 && (repr[0] == '\'' || repr[0] == '"') && repr[^1] == repr[0]) return repr[1..^1];
        return repr;
    }

    private object? Memo(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"pickle memo entry {index} is missing");

    private byte[] ReadBytes(int count)
    {
        var bytes = _in.ReadBytes(count);
        if (bytes.Length != count) throw new EndOfStreamException("the pickle ends early");
        return bytes;
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var b = _in.ReadByte();
            if (b == '\n') break;
            sb.Append((char)b);
        }
        return sb.ToString().TrimEnd('\r');
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() =>
        _stack.Count > 0 && !ReferenceEquals(_stack[^1], Mark) ? _stack[^1] : throw new InvalidDataException("the pickle stack is empty");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        var at = _stack.Count - 1;
        while (at >= 0 && !ReferenceEquals(_stack[at], Mark)) at--;
        if (at < 0) throw new InvalidDataException("pickle MARK is missing");
        var items = _stack.GetRange(at + 1, _stack.Count - at - 1);
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }
}
