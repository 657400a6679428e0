namespace Oml.Data;

/// <summary>
/// A crop box in pixels, half-open as in OML: columns <c>[X1, X2)</c> and rows <c>[Y1, Y2)</c>
/// (<c>x_1</c> = left, <c>x_2</c> = right, <c>y_1</c> = top, <c>y_2</c> = bottom).
/// </summary>
public readonly record struct BoundingBox(int X1, int X2, int Y1, int Y2)
{
    public int Width => X2 - X1;

    public int Height => Y2 - Y1;

    public bool FitsIn(int imageWidth, int imageHeight) =>
        X1 >= 0 && Y1 >= 0 && X2 <= imageWidth && Y2 <= imageHeight && X1 < X2 && Y1 < Y2;

    public override string ToString() => $"x_1={X1}, x_2={X2}, y_1={Y1}, y_2={Y2}";
}
