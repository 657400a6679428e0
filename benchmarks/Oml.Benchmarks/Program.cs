using Oml.Benchmarks;

NativeAllocator.KeepFreedMemory();

switch (args.FirstOrDefault())
{
    case "decode":
        return DecodeBenchmark.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Oml.Benchmarks -- decode [--repeats N] [--no-results-file]");
        return 2;
}
