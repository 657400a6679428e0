using System.Globalization;

namespace Oml.Optimization;

/// <summary>
/// A small, safe arithmetic expression over <c>epoch</c>, standing in for the Python callable of OML's
/// <c>lambda</c> / <c>multiplicative</c> schedulers: <c>lr_lambda: "0.95 ** epoch"</c>. Grammar (Python precedence):
/// numbers, <c>epoch</c>, <c>pi</c>, <c>e</c>, <c>+ - * / **</c> (right-associative, binding tighter than a unary minus
/// on its left), parentheses, and the functions <c>min(a, b, ...)</c>, <c>max(a, b, ...)</c>, <c>exp</c>, <c>log</c>,
/// <c>sqrt</c>, <c>cos</c>, <c>sin</c>, <c>abs</c>, <c>floor</c>, <c>ceil</c>. A leading <c>lambda epoch:</c> is allowed.
/// </summary>
public sealed class LrExpression
{
    private static readonly Dictionary<string, Func<double[], double>> Functions = new(StringComparer.Ordinal)
    {
        ["min"] = a => a.Min(),
        ["max"] = a => a.Max(),
        ["exp"] = a => Math.Exp(a[0]),
        ["log"] = a => Math.Log(a[0]),
        ["sqrt"] = a => Math.Sqrt(a[0]),
        ["cos"] = a => Math.Cos(a[0]),
        ["sin"] = a => Math.Sin(a[0]),
        ["abs"] = a => Math.Abs(a[0]),
        ["floor"] = a => Math.Floor(a[0]),
        ["ceil"] = a => Math.Ceiling(a[0]),
    };

    private readonly Func<double, double> _evaluate;

    private LrExpression(string text, Func<double, double> evaluate)
    {
        Text = text;
        _evaluate = evaluate;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The value at <paramref name="epoch"/>.</summary>
    public double Evaluate(double epoch) => _evaluate(epoch);

    /// <summary>Parses <paramref name="text"/>; a syntax error is an <see cref="OmlException"/> naming <paramref name="path"/> and the position.</summary>
    public static LrExpression Parse(string text, string path)
    {
        var body = text.Trim();
        if (body.StartsWith("lambda", StringComparison.Ordinal))
        {
            var colon = body.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && body[6..colon].Trim() is "epoch" or "") body = body[(colon + 1)..];
        }
        var parser = new Parser(body, text, path);
        return new LrExpression(text, parser.ParseAll());
    }

    private sealed class Parser(string body, string text, string path)
    {
        private int _pos;

        public Func<double, double> ParseAll()
        {
            var e = Sum();
            SkipSpaces();
            if (_pos < body.Length) throw Error($"unexpected '{body[_pos]}'");
            return e;
        }

        private Func<double, double> Sum()
        {
            var left = Product();
            while (true)
            {
                if (Accept("+")) { var l = left; var r = Product(); left = x => l(x) + r(x); }
                else if (Accept("-")) { var l = left; var r = Product(); left = x => l(x) - r(x); }
                else return left;
            }
        }

        private Func<double, double> Product()
        {
            var left = Unary();
            while (true)
            {
                if (Peek("**")) return left;
                if (Accept("*")) { var l = left; var r = Unary(); left = x => l(x) * r(x); }
                else if (Accept("/")) { var l = left; var r = Unary(); left = x => l(x) / r(x); }
                else return left;
            }
        }

        private Func<double, double> Unary()
        {
            if (Accept("-")) { var u = Unary(); return x => -u(x); }
            if (Accept("+")) return Unary();
            return Power();
        }

        private Func<double, double> Power()
        {
            var baseValue = Primary();
            if (!Accept("**")) return baseValue;
            var exponent = Unary();
            return x => Math.Pow(baseValue(x), exponent(x));
        }

        private Func<double, double> Primary()
        {
            SkipSpaces();
            if (_pos >= body.Length) throw Error("the expression ends too early");
            var c = body[_pos];
            if (Accept("("))
            {
                var inner = Sum();
                Expect(")");
                return inner;
            }
            if (char.IsDigit(c) || c == '.')
            {
                var start = _pos;
                while (_pos < body.Length && (char.IsDigit(body[_pos]) || body[_pos] == '.')) _pos++;
                if (_pos < body.Length && body[_pos] is 'e' or 'E')
                {
                    var save = _pos++;
                    if (_pos < body.Length && body[_pos] is '+' or '-') _pos++;
                    if (_pos < body.Length && char.IsDigit(body[_pos])) { while (_pos < body.Length && char.IsDigit(body[_pos])) _pos++; }
                    else _pos = save;
                }
                var literal = body[start.._pos];
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) throw Error($"'{literal}' is not a number", start);
                return _ => number;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = _pos;
                while (_pos < body.Length && (char.IsLetterOrDigit(body[_pos]) || body[_pos] == '_')) _pos++;
                var name = body[start.._pos];
                switch (name)
                {
                    case "epoch": return x => x;
                    case "pi": return _ => Math.PI;
                    case "e": return _ => Math.E;
                }
                if (!Functions.TryGetValue(name, out var function))
                    throw Error($"unknown name '{name}' (use epoch, pi, e, numbers, + - * / **, parentheses, {string.Join(", ", Functions.Keys)})", start);
                Expect("(");
                var arguments = new List<Func<double, double>> { Sum() };
                while (Accept(",")) arguments.Add(Sum());
                Expect(")");
                var isMinMax = name is "min" or "max";
                if (isMinMax ? arguments.Count < 2 : arguments.Count != 1)
                    throw Error($"{name}() takes {(isMinMax ? "at least two arguments" : "one argument")}, got {arguments.Count}", start);
                var args = arguments.ToArray();
                return x => function(Array.ConvertAll(args, a => a(x)));
            }
            throw Error($"unexpected '{c}'");
        }

        private void SkipSpaces()
        {
            while (_pos < body.Length && char.IsWhiteSpace(body[_pos])) _pos++;
        }

        private bool Peek(string token)
        {
            SkipSpaces();
            return string.CompareOrdinal(body, _pos, token, 0, token.Length) == 0;
        }

        private bool Accept(string token)
        {
            if (!Peek(token)) return false;
            if (token == "*" && Peek("**")) return false;
            _pos += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Accept(token)) throw Error(_pos >= body.Length ? $"expected '{token}' but the expression ends" : $"expected '{token}'");
        }

        private OmlException Error(string what, int? at = null) =>
            new($"{path} = '{text}' is not a valid expression: {what} at character {(at ?? _pos) + 1 + (text.Length - text.TrimStart().Length) + Offset()}; expected arithmetic over epoch, e.g. \"0.95 ** epoch\"");

        private int Offset() => text.Trim().Length - body.Length;
    }
}
