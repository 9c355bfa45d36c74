package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/examples/filestore"
)

// store is an LSU store the command opened, which it closes when done.
type store interface {
	lsusync.Store
	Close() error
}

// openStore opens the store at path, for reading only when readOnly is
// set. On failure it returns the French message to print before the
// error.
func (c *cli) openStore(path string, readOnly bool) (store, string, error) {
	c.say("Ouverture de LSU…")
	opts := filestore.Options{ReadOnly: readOnly}
	if c.progress {
		last := int64(-1)
		opts.Progress = func(done, total int64) {
			if pct := done * 100 / max(total, 1); pct != last {
				last = pct
				c.say("Ouverture de LSU… %d %%", pct)
			}
		}
	}
	st, err := filestore.Open(path, opts)
	if err == nil {
		return st, "", nil
	}
	return nil, storeRefusal(path, err), err
}

// storeRefusal says in French why the store at path cannot be used.
func storeRefusal(path string, err error) string {
	const nothing = " Aucune modification n'a été enregistrée."
	var fe *filestore.FileError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(filepath.Dir(path)); serr != nil {
			return "le dossier de LSU (" + filepath.Dir(path) + ") n'existe pas : vérifiez le chemin donné à -store." + nothing
		}
		return "LSU n'existe pas encore à cet emplacement (" + path + ") : créez-le d'abord avec « lsusync init »."
	case errors.Is(err, filestore.ErrBusy):
		return "LSU (" + path + ") est en cours d'utilisation par une autre synchronisation : attendez qu'elle se termine." + nothing
	case errors.Is(err, filestore.ErrReadOnly):
		return "LSU (" + path + ") est en lecture seule : la synchronisation ne le modifie pas. Rendez-le modifiable pour synchroniser, ou simulez avec -dry-run." + nothing
	case errors.Is(err, filestore.ErrVersion):
		return "LSU (" + path + ") a été enregistré par une version plus récente de lsusync : mettez lsusync à jour." + nothing
	case errors.As(err, &fe):
		return "LSU (" + path + ") est endommagé et ne peut pas être lu : restaurez une sauvegarde." + nothing
	case errors.Is(err, fs.ErrPermission):
		return "LSU (" + path + ") n'est pas accessible : vérifiez les droits du fichier et de son dossier." + nothing
	}
	return "LSU (" + path + ") n'a pas pu être ouvert." + nothing
}
