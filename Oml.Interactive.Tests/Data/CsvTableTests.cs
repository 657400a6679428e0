namespace Oml.Tests.Data;

public sealed class CsvTableTests
{
    [Fact]
    public void ParsesQuotesEscapesLineBreaksBomAndCrlf()
    {
        var table = CsvTable.Parse("\uFEFFa,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n2,\"two\nlines\",3\r\n\r\n4, spaced ,\n", "t.csv");
        Assert.Equal(["a", "b", "c"], table.Header);
        Assert.Equal(3, table.Records.Count);
        Assert.Equal(["1", "x, y", "he said \"hi\""], table.Records[0].Cells);
        Assert.Equal("two\nlines", table.Records[1].Cell(1));
        Assert.Equal((2, 3, 6), (table.Records[0].Line, table.Records[1].Line, table.Records[2].Line));
        Assert.Equal(["4", "spaced", ""], table.Records[2].Cells);
    }

    [Fact]
    public void UnclosedQuoteNamesTheLine()
    {
        var e = Assert.Throws<OmlException>(() => CsvTable.Parse("a,b\n1,\"open\n", "t.csv"));
        Assert.Equal("t.csv: line 2: a quoted field is not closed before the end of the file", e.Message);
    }

    [Fact]
    public void EmptyFileAndMissingFileAreClearErrors()
    {
        Assert.Contains("the file is empty", Assert.Throws<OmlException>(() => CsvTable.Parse("", "e.csv")).Message);
        Assert.Contains("nothere.csv: file not found", Assert.Throws<OmlException>(() => CsvTable.Load("nothere.csv")).Message);
    }
}
