module edgefaas.dev/functions

go 1.19
