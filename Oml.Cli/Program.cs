Console.WriteLine(TorchSharp.torch.__version__);
