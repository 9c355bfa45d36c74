module github.com/lsusync/lsusync

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/orisano/gosax v1.1.4 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)
