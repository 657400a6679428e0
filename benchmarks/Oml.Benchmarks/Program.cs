using Oml.Benchmarks;

NativeAllocator.KeepFreedMemory();

switch (args.FirstOrDefault())
{
    case "decode":
        return DecodeBenchmark.Run(args.Skip(1).ToArray());
    case "retrieval":
        return RetrievalBenchmark.Run(args.Skip(1).ToArray());
    case "retrieval-worker": // one case of `retrieval`, started by it in a fresh process
        return RetrievalWorker.Run(args.Skip(1).ToArray());
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Oml.Benchmarks -- decode [--repeats N] [--no-results-file]");
        Console.Error.WriteLine("       dotnet run -c Release --project benchmarks/Oml.Benchmarks -- retrieval [--n 100000] [--dim 128] [--k 10] [--repeats 1] [--threads 2] [--no-python] [--no-results-file]");
        return 2;
}
