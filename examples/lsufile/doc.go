// Package lsufile reads and writes LSU's import file, the file that
// school software gives LSU's "Échanges de données > Import" (root
// lsun-bilans, namespace urn:fr:edu:scolarite:lsun:bilans:import), so
// that a store's bilans périodiques go to LSU and come from the other
// tools.
package lsufile
